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

from speech.errors import ChecksumMismatch, UnsafeArchive
from speech.model_store import install_model

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
    assert answer["intent"] == "take_ticket" and answer["slots"] == {"service": "xuat-nhap-canh"}
    assert answer["matched"] == "làm hộ chiếu" and answer["score"] >= 80
