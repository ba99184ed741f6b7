"""Installing a vosk model: download or copy an archive, check its SHA-256, unpack safely.

``kiosk models install vi --from URL|FILE --sha256 HEX`` lands the model in
``STATE_DIR/models/<lang>/<model folder>``; settings then name that path. The archive
(zip or tar, any compression) is refused when its hash differs or when any member would
land outside the target: absolute paths, ``..``, links, devices.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tarfile
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from speech.errors import ChecksumMismatch, ModelInstallError, UnsafeArchive

_LOGGER = logging.getLogger(__name__)
#: download timeouts (connect/read) in seconds
DOWNLOAD_TIMEOUT_S = 30.0


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(url: str, target: Path) -> None:
    import httpx  # only the install command downloads

    try:
        with httpx.stream(
            "GET", url, timeout=DOWNLOAD_TIMEOUT_S, follow_redirects=True
        ) as response:
            response.raise_for_status()
            with target.open("wb") as out:
                for chunk in response.iter_bytes(1 << 20):
                    out.write(chunk)
    except httpx.HTTPError as exc:
        raise ModelInstallError(f"{url}: download failed ({exc})") from exc


def _check_name(name: str) -> None:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise UnsafeArchive(f"archive member {name!r} would land outside the model folder")


def _unpack(archive: Path, target: Path) -> None:
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zipped:
            for info in zipped.infolist():
                _check_name(info.filename)
                if (info.external_attr >> 16) & 0o170000 == 0o120000:
                    raise UnsafeArchive(f"archive member {info.filename!r} is a symbolic link")
            zipped.extractall(target)
        return
    try:
        with tarfile.open(archive) as tarred:
            for member in tarred.getmembers():
                _check_name(member.name)
                if not (member.isfile() or member.isdir()):
                    raise UnsafeArchive(f"archive member {member.name!r} is a link or device")
            tarred.extractall(target, filter="data")
    except tarfile.TarError as exc:
        raise ModelInstallError(f"{archive}: neither a zip nor a tar archive ({exc})") from exc


def _model_root(folder: Path) -> Path:
    """The folder holding ``am/`` and ``conf/`` (vosk archives wrap it in one folder)."""
    for candidate in [folder, *sorted(p for p in folder.iterdir() if p.is_dir())]:
        if (candidate / "am").is_dir() and (candidate / "conf").is_dir():
            return candidate
    raise ModelInstallError("the archive holds no vosk model (no am/ and conf/ folders)")


def install_model(lang: str, source: str, sha256: str, state_dir: Path) -> Path:
    """Install the model archive ``source`` (URL or file) for ``lang``; return its folder."""
    expected = sha256.strip().lower()
    if len(expected) != 64 or any(c not in "0123456789abcdef" for c in expected):
        raise ModelInstallError(f"--sha256 {sha256!r} is not 64 hex digits")
    if not (2 <= len(lang) <= 8 and lang.isalpha()):
        raise ModelInstallError(f"language {lang!r} must be 2..8 letters")
    models = state_dir / "models" / lang
    models.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models, prefix=".install-") as scratch:
        work = Path(scratch)
        if source.startswith(("http://", "https://")):
            archive = work / "download"
            _download(source, archive)
        else:
            archive = Path(source)
            if not archive.is_file():
                raise ModelInstallError(f"{source}: no such file")
        actual = sha256_of(archive)
        if actual != expected:
            raise ChecksumMismatch(f"{source}: SHA-256 is {actual}, expected {expected}")
        unpacked = work / "unpacked"
        unpacked.mkdir()
        _unpack(archive, unpacked)
        root = _model_root(unpacked)
        name = root.name if root != unpacked else f"model-{expected[:12]}"
        final = models / name
        if final.exists():
            shutil.rmtree(final)
        root.rename(final)
    _LOGGER.info("installed %s model from %s into %s", lang, source, final)
    return final
