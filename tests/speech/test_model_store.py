"""Installing model archives: checksum, traversal, layout; and the CLI commands."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from speech.errors import ArchiveTooLarge, ChecksumMismatch, UnsafeArchive
from speech.model_store import UnpackLimits, install_model

ROOT = Path(__file__).resolve().parents[2]


def _zip(path: Path, members: dict[str, bytes]) -> str:
    with zipfile.ZipFile(path, "w") as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
    return hashlib.sha256(path.read_bytes()).hexdigest()


MODEL = {
    "vosk-model-small-vi-0.4/am/final.mdl": b"x",
    "vosk-model-small-vi-0.4/conf/model.conf": b"y",
}


def test_zip_model_is_installed(tmp_path: Path) -> None:
    archive = tmp_path / "m.zip"
    digest = _zip(archive, MODEL)
    folder = install_model("vi", str(archive), digest, tmp_path / "state")
    assert folder == tmp_path / "state" / "models" / "vi" / "vosk-model-small-vi-0.4"
    assert (folder / "am" / "final.mdl").read_bytes() == b"x"


def test_checksum_mismatch_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "m.zip"
    _zip(archive, MODEL)
    with pytest.raises(ChecksumMismatch):
        install_model("vi", str(archive), "0" * 64, tmp_path / "state")
    assert not (tmp_path / "state" / "models" / "vi" / "vosk-model-small-vi-0.4").exists()


def test_traversal_in_zip_and_tar_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    digest = _zip(archive, {**MODEL, "../../escape.txt": b"!"})
    with pytest.raises(UnsafeArchive):
        install_model("vi", str(archive), digest, tmp_path / "state")
    tar_path = tmp_path / "evil.tar.gz"
    with tarfile.open(tar_path, "w:gz") as tarred:
        link = tarfile.TarInfo("model/am/link")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tarred.addfile(link)
        data = tarfile.TarInfo("model/conf/model.conf")
        data.size = 1
        tarred.addfile(data, io.BytesIO(b"y"))
    digest = hashlib.sha256(tar_path.read_bytes()).hexdigest()
    with pytest.raises(UnsafeArchive):
        install_model("vi", str(tar_path), digest, tmp_path / "state")
    assert not (tmp_path / "escape.txt").exists()


def test_models_install_cli(tmp_path: Path) -> None:
    archive = tmp_path / "m.zip"
    digest = _zip(archive, MODEL)
    cmd = [sys.executable, "-m", "kiosk.commands.models", "install", "vi", "--from", str(archive)]
    ok = subprocess.run(
        [*cmd, "--sha256", digest, "--state-dir", str(tmp_path / "s")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert ok.returncode == 0 and ok.stdout.strip().endswith("vosk-model-small-vi-0.4")
    bad = subprocess.run(
        [*cmd, "--sha256", "f" * 64, "--state-dir", str(tmp_path / "s")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert bad.returncode == 1 and "model-checksum-mismatch" in bad.stderr


def test_ask_cli_prints_json_without_vosk() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, runpy; sys.argv=['kiosk','--lang','vi','tôi muốn làm hộ chiếu'];"
            "from kiosk.commands.ask import main; rc=main();"
            "assert 'vosk' not in sys.modules; sys.exit(rc)",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["intent"] == "take_ticket" and answer["slots"]["service"] == "xuat-nhap-canh"
    assert answer["decision"] in ("act", "confirm") and 0.5 <= answer["confidence"] <= 1


def _bomb(path: Path, size: int) -> str:
    """A model-shaped zip whose one big member is zeros: tiny packed, huge unpacked."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("vosk-model-small-vi-0.4/conf/model.conf", b"y")
        with zipped.open("vosk-model-small-vi-0.4/am/final.mdl", "w", force_zip64=True) as out:
            block = bytes(1 << 20)
            for _ in range(size >> 20):
                out.write(block)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_zip_bomb_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    digest = _bomb(archive, 64 << 20)  # 64 MiB of zeros packs to ~64 KiB
    assert archive.stat().st_size < 1 << 20
    with pytest.raises(ArchiveTooLarge, match="ratio"):
        install_model("vi", str(archive), digest, tmp_path / "state")
    models = tmp_path / "state" / "models" / "vi"
    assert [p for p in models.rglob("*") if p.is_file()] == []


def test_size_file_count_and_free_space_limits(tmp_path: Path) -> None:
    archive = tmp_path / "m.zip"
    digest = _zip(archive, {**MODEL, **{f"vosk-model-small-vi-0.4/x/{i}": b"z" for i in range(30)}})
    with pytest.raises(ArchiveTooLarge, match="32 files"):
        install_model("vi", str(archive), digest, tmp_path / "s", limits=UnpackLimits(max_files=20))
    with pytest.raises(ArchiveTooLarge, match="MiB allowed"):
        install_model(
            "vi", str(archive), digest, tmp_path / "s", limits=UnpackLimits(max_total_bytes=16)
        )
    # the free space of the state directory's file system (a real statvfs) must hold it
    with pytest.raises(ArchiveTooLarge, match="free"):
        install_model(
            "vi", str(archive), digest, tmp_path / "s", limits=UnpackLimits(reserve_bytes=1 << 62)
        )
    assert install_model("vi", str(archive), digest, tmp_path / "s").name.startswith("vosk")


def test_models_install_cli_reports_a_bomb(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    digest = _bomb(archive, 32 << 20)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk.commands.models",
            "install",
            "vi",
            "--from",
            str(archive),
            "--sha256",
            digest,
            "--state-dir",
            str(tmp_path / "s"),
            "--max-size-mb",
            "16",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 1 and "model-archive-too-large" in done.stderr
    assert "more than the 16 MiB allowed" in done.stderr
