"""Installing a vosk model: download or copy an archive, check its SHA-256, unpack safely.

``kiosk models install vi --from URL|FILE --sha256 HEX`` lands the model in
``STATE_DIR/models/<lang>/<model folder>``; settings then name that path. The archive
(zip or tar, any compression) is refused when its hash differs or when any member would
land outside the target: absolute paths, ``..``, links, devices.

Before anything is written the archive's listing is checked against :class:`UnpackLimits`:
total unpacked size, number of files and ratio to the archive's size (a 3 MB zip that
unpacks to 3 GiB is a bomb, not a model), and the free space of the state directory's
file system must hold the unpacked model plus a reserve for the ticket journal. The sizes
checked are the ones the extractors enforce: ``zipfile`` stops each member at its declared
size (and checks its CRC), tar members are exactly their size.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from speech.errors import ArchiveTooLarge, ChecksumMismatch, ModelInstallError, UnsafeArchive

_LOGGER = logging.getLogger(__name__)
#: download timeouts (connect/read) in seconds
DOWNLOAD_TIMEOUT_S = 30.0
_MIB = 1 << 20


@dataclass(frozen=True)
class UnpackLimits:
    """What an archive may unpack to. The largest vosk models are about 2.7 GB unpacked
    (hundreds of files) and compress at most ~3:1; the defaults leave room for those."""

    max_total_bytes: int = 4096 * _MIB
    max_files: int = 10_000
    max_ratio: float = 50.0
    #: kept free after unpacking, for the ticket journal and the logs
    reserve_bytes: int = 256 * _MIB


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


def _check_size(archive: Path, target: Path, sizes: list[int], limits: UnpackLimits) -> None:
    """Refuse an archive whose listing exceeds ``limits`` or the free disk space."""
    total, count = sum(sizes), len(sizes)
    if count > limits.max_files:
        raise ArchiveTooLarge(f"{archive}: {count} files, more than the {limits.max_files} allowed")
    if total > limits.max_total_bytes:
        raise ArchiveTooLarge(
            f"{archive}: unpacks to {total / _MIB:.0f} MiB, more than the "
            f"{limits.max_total_bytes / _MIB:.0f} MiB allowed"
        )
    packed = max(archive.stat().st_size, 1)
    if total > 16 * _MIB and total / packed > limits.max_ratio:
        raise ArchiveTooLarge(
            f"{archive}: {packed / _MIB:.1f} MiB unpacks to {total / _MIB:.0f} MiB "
            f"(ratio {total / packed:.0f}, more than {limits.max_ratio:.0f}): not a model"
        )
    free = shutil.disk_usage(target).free
    if total + limits.reserve_bytes > free:
        raise ArchiveTooLarge(
            f"{archive}: unpacks to {total / _MIB:.0f} MiB but {target} has only "
            f"{free / _MIB:.0f} MiB free ({limits.reserve_bytes / _MIB:.0f} MiB are kept "
            "for the ticket journal)"
        )


def _unpack(archive: Path, target: Path, limits: UnpackLimits) -> None:
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zipped:
            infos = zipped.infolist()
            for info in infos:
                _check_name(info.filename)
                if (info.external_attr >> 16) & 0o170000 == 0o120000:
                    raise UnsafeArchive(f"archive member {info.filename!r} is a symbolic link")
            _check_size(archive, target, [i.file_size for i in infos], limits)
            zipped.extractall(target)
        return
    try:
        with tarfile.open(archive) as tarred:
            members = tarred.getmembers()
            for member in members:
                _check_name(member.name)
                if not (member.isfile() or member.isdir()):
                    raise UnsafeArchive(f"archive member {member.name!r} is a link or device")
            _check_size(archive, target, [m.size for m in members], limits)
            tarred.extractall(target, filter="data")
    except tarfile.TarError as exc:
        raise ModelInstallError(f"{archive}: neither a zip nor a tar archive ({exc})") from exc


def _model_root(folder: Path) -> Path:
    """The folder holding ``am/`` and ``conf/`` (vosk archives wrap it in one folder)."""
    for candidate in [folder, *sorted(p for p in folder.iterdir() if p.is_dir())]:
        if (candidate / "am").is_dir() and (candidate / "conf").is_dir():
            return candidate
    raise ModelInstallError("the archive holds no vosk model (no am/ and conf/ folders)")


def install_model(
    lang: str,
    source: str,
    sha256: str,
    state_dir: Path,
    *,
    limits: UnpackLimits = UnpackLimits(),
) -> Path:
    """Install the model archive ``source`` (URL or file) for ``lang``; return its folder.

    Raises :class:`ArchiveTooLarge` before writing anything when the archive exceeds
    ``limits`` or the free space."""
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
        _unpack(archive, unpacked, limits)
        root = _model_root(unpacked)
        name = root.name if root != unpacked else f"model-{expected[:12]}"
        final = models / name
        if final.exists():
            shutil.rmtree(final)
        root.rename(final)
    _LOGGER.info("installed %s model from %s into %s", lang, source, final)
    return final
