"""Locate (and if need be fetch) the standard demo corpus, text8.

text8 is the first 100,000,000 bytes of a cleaned 2006 English Wikipedia dump: lower-case
``a``-``z`` and spaces on a single line. It is the corpus word2vec.c's demo scripts train on,
so fastw2v's demo and benchmarks use it too.

Where the data lives
--------------------
:func:`data_dir` is ``$FASTW2V_DATA`` when set, otherwise the user cache
(``$XDG_CACHE_HOME/fastw2v``, else ``~/.cache/fastw2v``). :func:`find_text8` looks for
``text8`` there, then for ``text8.zip``, and only then downloads the zip. Offline machines
(and CI) point ``FASTW2V_DATA`` at a directory that already holds a ``text8`` file; CI uses a
text8-format stand-in of another size, which is accepted with a warning.

Nothing here imports the trainer, so locating data never needs the compiled extension.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
import warnings
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastw2v._atomic import atomic_write

__all__ = [
    "TEXT8_CRC32",
    "TEXT8_SIZE",
    "TEXT8_URL",
    "DataNotFoundError",
    "DataVerificationError",
    "data_dir",
    "find_text8",
]

TEXT8_URL = "http://mattmahoney.net/dc/text8.zip"
#: Size in bytes of the ``text8`` member of text8.zip.
TEXT8_SIZE = 100_000_000
#: CRC-32 of the ``text8`` member, as recorded in the zip's own header.
TEXT8_CRC32 = 0x7D6BE66F

_CHUNK = 1 << 20

#: Opens a URL; called as ``opener(url, timeout=seconds)`` and must return a binary
#: file-like response (``read(n)``, optionally ``headers`` and context-manager support).
Opener = Callable[..., Any]


class DataNotFoundError(FileNotFoundError):
    """The corpus is neither on disk nor downloadable."""


class DataVerificationError(ValueError):
    """A file was found but is not the expected corpus (wrong size or CRC-32)."""


def data_dir() -> Path:
    """Directory where fastw2v looks for (and caches) corpora.

    Returns
    -------
    pathlib.Path
        ``$FASTW2V_DATA`` if set and non-empty; else ``$XDG_CACHE_HOME/fastw2v`` when
        ``XDG_CACHE_HOME`` is an absolute path (relative values are ignored, as the XDG
        spec asks); else ``~/.cache/fastw2v``. The directory is not created here.
    """
    explicit = os.environ.get("FASTW2V_DATA")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "fastw2v"
    return Path.home() / ".cache" / "fastw2v"


def _how_to_get(directory: Path, url: str) -> str:
    return (
        f"Set FASTW2V_DATA to a directory holding the unzipped `text8` file "
        f"(currently looking in {directory}). Get it from {url} "
        f"({TEXT8_SIZE:,} bytes unzipped, CRC-32 {TEXT8_CRC32:08x}), e.g. "
        f"`curl -O {url} && unzip text8.zip`, or copy text8.zip into {directory} "
        f"and fastw2v will extract it."
    )


def _report(progress: bool, message: str, end: str = "\n") -> None:
    if progress:
        print(message, end=end, file=sys.stderr, flush=True)


def _download(url: str, dest: Path, opener: Opener, timeout: float, progress: bool) -> None:
    """Stream ``url`` into ``dest`` through a temporary file renamed into place at the end."""
    _report(progress, f"fastw2v: downloading {url} -> {dest}")
    with opener(url, timeout=timeout) as response:
        headers = getattr(response, "headers", None)
        length_text = headers.get("Content-Length") if headers is not None else None
        expected = int(length_text) if length_text and length_text.isdigit() else None
        received = 0
        next_report = 0
        with atomic_write(dest, "wb") as out:
            while True:
                block = response.read(_CHUNK)
                if not block:
                    break
                out.write(block)
                received += len(block)
                if progress and received >= next_report:
                    total = f" of {expected / 1e6:.1f} MB" if expected else " MB"
                    _report(progress, f"\r  {received / 1e6:.1f}{total}", end="")
                    next_report = received + 4 * _CHUNK
            if expected is not None and received != expected:
                # Raising inside atomic_write discards the partial file.
                raise OSError(
                    f"download of {url} truncated: got {received:,} of {expected:,} bytes"
                )
    _report(progress, f"\r  {received / 1e6:.1f} MB done")


def _extract_text8(
    zip_path: Path, target: Path, expected_size: int, expected_crc: int, progress: bool
) -> None:
    """Extract the ``text8`` member of ``zip_path`` to ``target`` after checking it is text8.

    The size and CRC-32 in the zip's directory are compared with the expected values before
    anything is written, and the extracted bytes are checked again while they stream out
    (zipfile verifies the member against its own header CRC; the explicit check also refuses
    an internally consistent zip that simply holds a different file).
    """
    try:
        archive = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile as exc:
        raise DataVerificationError(f"{zip_path} is not a valid zip file: {exc}") from exc
    with archive:
        try:
            info = archive.getinfo("text8")
        except KeyError:
            raise DataVerificationError(
                f"{zip_path} has no member named 'text8' (members: {archive.namelist()[:5]})"
            ) from None
        if info.file_size != expected_size or info.CRC != expected_crc:
            raise DataVerificationError(
                f"{zip_path}: member 'text8' has size {info.file_size:,} and CRC-32 "
                f"{info.CRC:08x}; expected {expected_size:,} and {expected_crc:08x}. "
                f"This is not text8; delete it and retry."
            )
        _report(progress, f"fastw2v: extracting text8 from {zip_path}")
        crc = 0
        size = 0
        try:
            with archive.open(info) as member, atomic_write(target, "wb") as out:
                while True:
                    block = member.read(_CHUNK)
                    if not block:
                        break
                    crc = zlib.crc32(block, crc)
                    size += len(block)
                    out.write(block)
                if size != expected_size or crc != expected_crc:
                    raise DataVerificationError(
                        f"{zip_path}: extracted text8 has size {size:,} and CRC-32 {crc:08x}; "
                        f"expected {expected_size:,} and {expected_crc:08x}"
                    )
        except zipfile.BadZipFile as exc:  # zipfile's own CRC check failed: corrupt data
            raise DataVerificationError(f"{zip_path} is corrupt: {exc}") from exc


def _check_size(target: Path, expected_size: int) -> None:
    size = target.stat().st_size
    if size != expected_size:
        warnings.warn(
            f"{target} has {size:,} bytes, not the {expected_size:,} of the real text8; "
            f"using it anyway (results will not be comparable with published text8 figures)",
            UserWarning,
            stacklevel=3,
        )


def _fetch_zip(
    base: Path,
    zip_path: Path,
    download: bool,
    url: str,
    opener: Opener | None,
    timeout: float,
    progress: bool,
) -> None:
    """Download text8.zip into ``base``, or say how to get it."""
    if not download:
        raise DataNotFoundError(
            f"text8 not found in {base} and download=False. " + _how_to_get(base, url)
        )
    try:
        base.mkdir(parents=True, exist_ok=True)
        _download(url, zip_path, opener or urllib.request.urlopen, timeout, progress)
    except (urllib.error.URLError, OSError) as exc:
        _report(progress, "")
        raise DataNotFoundError(
            f"text8 not found in {base} and the download from {url} failed ({exc}). "
            + _how_to_get(base, url)
        ) from exc


def find_text8(
    download: bool = True,
    progress: bool = True,
    *,
    directory: str | os.PathLike[str] | None = None,
    url: str = TEXT8_URL,
    opener: Opener | None = None,
    timeout: float = 60.0,
    expected_size: int = TEXT8_SIZE,
    expected_crc: int = TEXT8_CRC32,
) -> Path:
    """Return the path of the text8 corpus, extracting or downloading it if needed.

    Parameters
    ----------
    download : bool
        Allow a download when neither ``text8`` nor ``text8.zip`` is present.
    progress : bool
        Print what is being done (download progress, extraction) to stderr.
    directory : path-like, optional
        Where to look and cache; defaults to :func:`data_dir`.
    url : str
        Where text8.zip is downloaded from.
    opener : callable, optional
        ``opener(url, timeout=...)`` returning a binary response; defaults to
        :func:`urllib.request.urlopen`. Tests inject a fake here.
    timeout : float
        Socket timeout in seconds for the download.
    expected_size, expected_crc : int
        What the ``text8`` member must be; the defaults describe the real text8.

    Returns
    -------
    pathlib.Path
        ``directory / "text8"``.

    Raises
    ------
    DataNotFoundError
        text8 is missing and could not be obtained (offline, or ``download=False``); the
        message says to set ``FASTW2V_DATA`` and where to get the file.
    DataVerificationError
        ``text8.zip`` is present or downloaded but does not hold text8 (wrong size or
        CRC-32, not a zip, corrupt). A zip downloaded by this call is then deleted.

    Warns
    -----
    UserWarning
        An existing ``text8`` whose size is not ``expected_size`` is accepted with a warning:
        CI points ``FASTW2V_DATA`` at smaller text8-format stand-ins.
    """
    base = Path(directory) if directory is not None else data_dir()
    target = base / "text8"
    if target.is_file():
        _check_size(target, expected_size)
        return target
    zip_path = base / "text8.zip"
    downloaded = False
    if not zip_path.is_file():
        _fetch_zip(base, zip_path, download, url, opener, timeout, progress)
        downloaded = True

    try:
        _extract_text8(zip_path, target, expected_size, expected_crc, progress)
    except DataVerificationError:
        if downloaded:
            zip_path.unlink(missing_ok=True)
        raise
    return target
