"""Tests for fastw2v.data: finding, extracting and (fake-)downloading text8. No network."""

from __future__ import annotations

import io
import subprocess
import sys
import types
import urllib.error
import warnings
import zipfile
import zlib
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "fastw2v"

# Loads fastw2v.data under a bare package object, so fastw2v/__init__.py (which imports the
# trainer and its compiled extension) does not run. Used when the extension is not built.
_LOAD_WITHOUT_INIT = f"""
import importlib, sys, types
_pkg = types.ModuleType("fastw2v")
_pkg.__path__ = [{str(PACKAGE_DIR)!r}]
sys.modules["fastw2v"] = _pkg
data = importlib.import_module("fastw2v.data")
"""


def _import_data_without_package_init() -> types.ModuleType:
    saved = sys.modules.get("fastw2v")
    namespace: dict = {}
    try:
        exec(_LOAD_WITHOUT_INIT, namespace)
    finally:
        # Drop the bare package so a later `import fastw2v` runs the real __init__.
        if saved is None:
            sys.modules.pop("fastw2v", None)
        else:
            sys.modules["fastw2v"] = saved
    return namespace["data"]


try:
    from fastw2v import data
except ImportError:  # extension not built yet: the data locator must still be testable
    data = _import_data_without_package_init()

CONTENT = (
    b" anarchism originated as a term of abuse first used against early working class radicals"
)
CRC = zlib.crc32(CONTENT)
SIZE = len(CONTENT)


def make_zip(path: Path, member: str = "text8", content: bytes = CONTENT) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, content)
    return path


def zip_bytes(member: str = "text8", content: bytes = CONTENT) -> bytes:
    buf = io.BytesIO()
    # A fixed timestamp: writestr(name, ...) stamps the current time (2-second resolution),
    # and a test comparing two zip_bytes() calls then failed when a tick fell between them.
    info = zipfile.ZipInfo(member, date_time=(2006, 9, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(info, content)
    return buf.getvalue()


class FakeResponse(io.BytesIO):
    def __init__(self, payload: bytes, length: int | None = None) -> None:
        super().__init__(payload)
        self.headers = {"Content-Length": str(len(payload) if length is None else length)}


class FakeOpener:
    """Records calls; serves ``payload`` or raises ``error``."""

    def __init__(
        self, payload: bytes = b"", error: Exception | None = None, length: int | None = None
    ):
        self.payload = payload
        self.error = error
        self.length = length
        self.calls: list[tuple[str, float]] = []

    def __call__(self, url: str, timeout: float) -> FakeResponse:
        self.calls.append((url, timeout))
        if self.error is not None:
            raise self.error
        return FakeResponse(self.payload, self.length)


def find(tmp_path: Path, **kwargs):
    kwargs.setdefault("directory", tmp_path)
    kwargs.setdefault("expected_size", SIZE)
    kwargs.setdefault("expected_crc", CRC)
    kwargs.setdefault("progress", False)
    return data.find_text8(**kwargs)


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


# data_dir ---------------------------------------------------------------------------------


def test_data_dir_prefers_fastw2v_data(monkeypatch, tmp_path):
    monkeypatch.setenv("FASTW2V_DATA", str(tmp_path / "mine"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data.data_dir() == tmp_path / "mine"


def test_data_dir_uses_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.delenv("FASTW2V_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data.data_dir() == tmp_path / "xdg" / "fastw2v"


def test_data_dir_ignores_relative_xdg_and_falls_back_to_home(monkeypatch, tmp_path):
    monkeypatch.delenv("FASTW2V_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert data.data_dir() == tmp_path / ".cache" / "fastw2v"


def test_data_dir_does_not_create_directory(monkeypatch, tmp_path):
    monkeypatch.setenv("FASTW2V_DATA", str(tmp_path / "absent"))
    data.data_dir()
    assert not (tmp_path / "absent").exists()


def test_find_text8_defaults_to_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("FASTW2V_DATA", str(tmp_path))
    (tmp_path / "text8").write_bytes(CONTENT)
    assert data.find_text8(download=False, progress=False, expected_size=SIZE) == tmp_path / "text8"


# existing text8 -------------------------------------------------------------------------


def test_existing_text8_of_expected_size_is_returned_silently(tmp_path):
    (tmp_path / "text8").write_bytes(CONTENT)
    opener = FakeOpener(error=AssertionError("must not download"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert find(tmp_path, opener=opener) == tmp_path / "text8"
    assert opener.calls == []


def test_existing_real_size_text8_needs_no_override(tmp_path):
    with open(tmp_path / "text8", "wb") as fh:  # sparse: 100 MB of zeros costs no disk
        fh.truncate(data.TEXT8_SIZE)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = data.find_text8(download=False, progress=False, directory=tmp_path)
    assert path == tmp_path / "text8"


def test_existing_text8_of_other_size_is_accepted_with_warning(tmp_path):
    (tmp_path / "text8").write_bytes(b" a stand in corpus")
    with pytest.warns(UserWarning, match="not the 100,000,000 of the real text8"):
        path = data.find_text8(download=False, progress=False, directory=tmp_path)
    assert path.read_bytes() == b" a stand in corpus"


# extracting a local zip -----------------------------------------------------------------


def test_good_zip_is_extracted(tmp_path):
    make_zip(tmp_path / "text8.zip")
    path = find(tmp_path, download=False)
    assert path == tmp_path / "text8"
    assert path.read_bytes() == CONTENT
    assert leftovers(tmp_path) == []
    assert (tmp_path / "text8.zip").exists()  # a zip the user put there is kept


def test_zip_with_wrong_crc_is_refused(tmp_path):
    make_zip(tmp_path / "text8.zip", content=CONTENT.upper())  # same size, different bytes
    with pytest.raises(data.DataVerificationError, match="CRC-32"):
        find(tmp_path, download=False)
    assert not (tmp_path / "text8").exists()
    assert leftovers(tmp_path) == []
    assert (tmp_path / "text8.zip").exists()  # not ours to delete


def test_zip_with_wrong_size_is_refused(tmp_path):
    make_zip(tmp_path / "text8.zip", content=CONTENT + b" extra")
    with pytest.raises(data.DataVerificationError, match="not text8"):
        find(tmp_path, download=False)
    assert not (tmp_path / "text8").exists()


def test_real_constants_refuse_a_small_zip(tmp_path):
    make_zip(tmp_path / "text8.zip")
    with pytest.raises(data.DataVerificationError, match="7d6be66f"):
        data.find_text8(download=False, progress=False, directory=tmp_path)
    assert not (tmp_path / "text8").exists()


def test_zip_without_text8_member_is_refused(tmp_path):
    make_zip(tmp_path / "text8.zip", member="other.txt")
    with pytest.raises(data.DataVerificationError, match="no member named 'text8'"):
        find(tmp_path, download=False)


def test_not_a_zip_is_refused(tmp_path):
    (tmp_path / "text8.zip").write_bytes(b"<html>captive portal</html>")
    with pytest.raises(data.DataVerificationError, match="not a valid zip"):
        find(tmp_path, download=False)


def test_corrupt_member_data_is_refused(tmp_path):
    # Stored (uncompressed) so a flipped byte in the payload reaches zipfile's CRC check.
    path = tmp_path / "text8.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("text8", CONTENT)
    raw = bytearray(path.read_bytes())
    at = raw.index(CONTENT)
    raw[at + 5] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(data.DataVerificationError):
        find(tmp_path, download=False)
    assert not (tmp_path / "text8").exists()
    assert leftovers(tmp_path) == []


# downloading (fake opener) ----------------------------------------------------------------


def test_download_then_extract(tmp_path):
    target_dir = tmp_path / "cache" / "fastw2v"  # created on demand
    opener = FakeOpener(zip_bytes())
    path = find(
        tmp_path,
        directory=target_dir,
        opener=opener,
        url="http://example.invalid/t8.zip",
        timeout=7,
    )
    assert path.read_bytes() == CONTENT
    assert opener.calls == [("http://example.invalid/t8.zip", 7)]
    assert (target_dir / "text8.zip").read_bytes() == zip_bytes()
    assert leftovers(target_dir) == []
    # Second call finds the file and does not download again.
    assert find(tmp_path, directory=target_dir, opener=opener) == path
    assert len(opener.calls) == 1


def test_download_prints_progress(tmp_path, capsys):
    find(tmp_path, opener=FakeOpener(zip_bytes()), progress=True)
    err = capsys.readouterr().err
    assert "downloading" in err and "extracting" in err


def test_downloaded_bad_zip_is_deleted(tmp_path):
    opener = FakeOpener(zip_bytes(content=CONTENT.upper()))
    with pytest.raises(data.DataVerificationError, match="CRC-32"):
        find(tmp_path, opener=opener)
    assert not (tmp_path / "text8.zip").exists()
    assert not (tmp_path / "text8").exists()
    assert leftovers(tmp_path) == []


def test_truncated_download_leaves_nothing(tmp_path):
    payload = zip_bytes()
    opener = FakeOpener(payload, length=len(payload) + 1000)
    with pytest.raises(data.DataNotFoundError, match="truncated"):
        find(tmp_path, opener=opener)
    assert list(tmp_path.iterdir()) == []


def test_offline_error_tells_user_what_to_do(tmp_path):
    opener = FakeOpener(
        error=urllib.error.URLError("[Errno -3] Temporary failure in name resolution")
    )
    with pytest.raises(data.DataNotFoundError) as info:
        find(tmp_path, opener=opener)
    message = str(info.value)
    assert "FASTW2V_DATA" in message
    assert data.TEXT8_URL in message
    assert "name resolution" in message
    assert str(tmp_path) in message
    assert isinstance(info.value, FileNotFoundError)
    assert list(tmp_path.iterdir()) == []


def test_timeout_is_reported_as_not_found(tmp_path):
    opener = FakeOpener(error=TimeoutError("timed out"))
    with pytest.raises(data.DataNotFoundError, match="timed out"):
        find(tmp_path, opener=opener)


def test_download_false_never_opens_the_network(tmp_path):
    opener = FakeOpener(error=AssertionError("must not download"))
    with pytest.raises(data.DataNotFoundError, match="download=False.*FASTW2V_DATA"):
        find(tmp_path, download=False, opener=opener)
    assert opener.calls == []


def test_default_opener_is_urlopen_and_can_be_monkeypatched(monkeypatch, tmp_path):
    opener = FakeOpener(zip_bytes())
    monkeypatch.setattr(data.urllib.request, "urlopen", opener)
    assert find(tmp_path).read_bytes() == CONTENT
    assert opener.calls == [(data.TEXT8_URL, 60.0)]


def test_data_module_does_not_import_the_trainer():
    # Run the bare-package import in a fresh interpreter and list what it pulled in.
    code = _LOAD_WITHOUT_INIT + (
        "bad = [m for m in sys.modules if m.startswith('fastw2v.') and m not in "
        "('fastw2v.data', 'fastw2v._atomic')]\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
