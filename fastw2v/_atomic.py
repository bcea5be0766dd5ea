"""Atomic file writes: a save either completes or leaves the target untouched."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str], mode: str = "wb", **kwargs: Any
) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on success fsync and rename it over ``path``.

    If the body raises (or the process dies), the temporary file is removed and any
    existing file at ``path`` is left as it was, so an interrupted save never leaves a
    truncated model under the target name.

    A symbolic link is written through: its target is replaced (atomically), the link stays.

    Parameters
    ----------
    path : path-like
        Final destination: a regular file, a link to one, or absent.
    mode : str
        ``"wb"`` or ``"w"`` (text; pass ``encoding=``).
    **kwargs
        Passed to :func:`open` (``encoding``, ``newline``...).
    """
    if "w" not in mode:
        raise ValueError(f"atomic_write needs a write mode, got {mode!r}")
    target = regular_target(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise FileNotFoundError(f"cannot write {target}: directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        # mkstemp creates the file 0600; give it the mode a plain open() would have
        # (the existing file's, else 0666 minus the umask).
        os.chmod(tmp, _target_mode(target))
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def check_writable(path: str | os.PathLike[str]) -> None:
    """Fail now, not after hours of training, when ``path`` cannot be written.

    Raises
    ------
    FileNotFoundError
        If the directory that would hold ``path`` does not exist.
    PermissionError
        If that directory is not writable.
    IsADirectoryError, ValueError
        If ``path`` exists and is not a regular file (see :func:`regular_target`).
    """
    directory = os.path.dirname(regular_target(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"cannot write {path}: directory {directory} does not exist")
    if not os.access(directory, os.W_OK):
        raise PermissionError(f"cannot write {path}: directory {directory} is not writable")


def _target_mode(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def regular_target(path: str | os.PathLike[str]) -> Path:
    """Where a write to ``path`` lands: the path with symbolic links resolved, checked to be
    a regular file or absent.

    Renaming a temporary file over a link would replace the link with a file, and over a
    device (``/dev/null`` when run as root) would replace the device; a directory would
    only fail at the rename, after the work. All three are refused or resolved here.

    Raises
    ------
    IsADirectoryError
        If ``path`` is a directory.
    ValueError
        If ``path`` is a device, FIFO or socket.
    """
    target = Path(os.path.realpath(path))
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return target
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(f"cannot write {os.fspath(path)}: it is a directory")
    if not stat.S_ISREG(mode):
        raise ValueError(
            f"cannot write {os.fspath(path)}: it is not a regular file (a device, FIFO or "
            "socket); give a file path"
        )
    return target


def _identity(path: str | os.PathLike[str]) -> tuple[object, ...]:
    """What makes two paths the same file: device and inode where it exists (hard links,
    bind mounts), else the resolved path."""
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except OSError:
        return ("path", real)
    return ("inode", st.st_dev, st.st_ino)


def check_collisions(
    outputs: Mapping[str, str | os.PathLike[str] | None],
    inputs: Mapping[str, str | os.PathLike[str] | None],
    allowed: Iterable[tuple[str, str]] = (),
) -> None:
    """Refuse, before any work, outputs that would overwrite an input or each other.

    ``outputs`` and ``inputs`` map the flag the user typed to its path (None: not given).
    Every output must be a regular file or absent (:func:`regular_target`), differ from
    every input and every other output, and lie outside every input directory (a corpus
    directory would read it as part of the corpus). ``allowed`` lists (output, input) flag
    pairs that may be one file, such as a checkpoint that continues the one resumed from.

    Raises
    ------
    ValueError
        Naming both flags and the path.
    """
    allow = set(allowed)
    given_in = {flag: p for flag, p in inputs.items() if p}
    seen: dict[tuple[object, ...], str] = {}
    for flag, path in outputs.items():
        if not path:
            continue
        regular_target(path)
        ident = _identity(path)
        if ident in seen:
            raise ValueError(
                f"{flag} {os.fspath(path)} is also the {seen[ident]} output: one would "
                "overwrite the other; give them different paths"
            )
        seen[ident] = flag
        real = os.path.realpath(path)
        for in_flag, in_path in given_in.items():
            if (flag, in_flag) in allow:
                continue
            if _identity(in_path) == ident:
                raise ValueError(
                    f"{flag} {os.fspath(path)} is the {in_flag} input: writing it would "
                    "destroy it; give another output path"
                )
            in_real = os.path.realpath(in_path)
            if os.path.isdir(in_real) and os.path.commonpath([in_real, real]) == in_real:
                raise ValueError(
                    f"{flag} {os.fspath(path)} lies inside the {in_flag} directory "
                    f"{os.fspath(in_path)}, which would read it as input; write it elsewhere"
                )
