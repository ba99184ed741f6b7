"""Privacy by design, checked where it matters: the database file itself, the audit log,
the journal, the key's handling."""

from __future__ import annotations

import base64
import logging
import re
import sqlite3
import struct
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from faces_testkit import KIOSK_TOKEN, TEST_KEY, central_dict, record_dossiers, write_key

from central.app import create_app
from central.errors import ConfigError
from central.face_settings import FaceSettings
from central.face_vault import FaceVault, VaultError, load_key, new_key
from central.faces import unpack
from central.settings import CentralSettings
from kiosk.faces.engine import Encoding
from kiosk.faces.wire import FaceService
from kiosk.tickets.client import CentralClient

DOSSIER = "HS-2026-004217"
YEAR = "1961"


def _app(tmp_path: Path, key: bytes = TEST_KEY) -> Any:
    url = f"sqlite:///{tmp_path}/central.db"
    settings = CentralSettings.model_validate(central_dict(url, write_key(tmp_path, key)))
    return create_app(settings)


def _service(app: Any) -> FaceService:
    return FaceService(
        CentralClient("http://central.test", KIOSK_TOKEN, transport=httpx.ASGITransport(app))
    )


async def _enrol(tmp_path: Path, encoding: Encoding) -> Any:
    app = _app(tmp_path)
    record_dossiers(app, DOSSIER, birth_year=int(YEAR))
    await _service(app).enrol([DOSSIER], ("birth_year", YEAR), encoding, "vi:2026-11")
    return app


async def test_templates_are_sealed_in_the_database_file(
    tmp_path: Path, encodings: dict[str, Encoding], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    encoding = encodings["obama_1.jpg"]
    app = await _enrol(tmp_path, encoding)
    app.state.store.close()  # checkpoints nothing away: the WAL file is read as well
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("central.db*"))
    assert b"face_templates" in raw  # the file really is the database
    for plain in (
        struct.pack("<128d", *encoding),
        struct.pack("<128f", *encoding),
        struct.pack("<4d", *encoding[:4]),
    ):
        assert plain not in raw
    assert f"{encoding[0]:.6f}"[:8] not in raw.decode("latin-1")
    # the dossier's code and birth year live with the dossier (identity data), never in
    # the face tables, whose every byte is read here
    with sqlite3.connect(tmp_path / "central.db") as db:
        for table in ("face_templates", "face_links", "face_lookups", "face_audit"):
            for row in db.execute(f"SELECT * FROM {table}").fetchall():  # noqa: S608
                for value in row:  # numbers (times) and hex ids may hold "1961" by chance
                    if isinstance(value, int) or (
                        isinstance(value, str) and re.fullmatch(r"[0-9a-f]{32,64}", value)
                    ):
                        continue
                    cell = value if isinstance(value, bytes) else str(value).encode()
                    assert DOSSIER.encode() not in cell and YEAR.encode() not in cell, table
    # ... yet it is the template, for whoever holds the key
    with sqlite3.connect(tmp_path / "central.db") as db:
        template_id, sealed = db.execute("SELECT id, template FROM face_templates").fetchone()
        audit = db.execute("SELECT * FROM face_audit").fetchall()
    opened = unpack(FaceVault(TEST_KEY).open(sealed, template_id))
    assert np.allclose(opened, encoding)
    with pytest.raises(VaultError):
        FaceVault(bytes(32)).open(sealed, template_id)
    with pytest.raises(VaultError):  # bound to its row: cannot be moved to another
        FaceVault(TEST_KEY).open(sealed, "0" * 32)
    # the audit log and the journal say who and what, never the face or the person
    assert audit and all(DOSSIER not in str(row) and YEAR not in str(row) for row in audit)
    assert DOSSIER not in caplog.text and YEAR not in caplog.text
    assert f"{encoding[0]:.4f}" not in caplog.text


async def test_a_changed_key_is_an_error_not_garbage(
    tmp_path: Path, encodings: dict[str, Encoding], caplog: pytest.LogCaptureFixture
) -> None:
    (await _enrol(tmp_path, encodings["obama_1.jpg"])).state.store.close()
    other = _app(tmp_path, key=bytes(reversed(TEST_KEY)))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(other), base_url="http://central.test"
    ) as http:
        answer = await http.post(
            "/api/v1/faces/candidates",
            headers={"Authorization": f"Bearer {KIOSK_TOKEN}"},
            json={"factor": {"kind": "birth_year", "value": YEAR}},
        )
    # the second factor's keyed hash differs too: the old template is simply not found,
    # and the technician is told at start-up
    assert answer.status_code == 200 and answer.json()["candidates"] == []
    assert "1 face template(s) sealed with another key" in caplog.text
    other.state.store.close()


def test_the_key_comes_from_a_file_or_the_environment(tmp_path: Path) -> None:
    key = new_key()
    assert len(load_key(FaceSettings(key_env="FACE_KEY"), {"FACE_KEY": key})) == 32
    with pytest.raises(ConfigError, match=r"\$FACE_KEY: not set"):
        load_key(FaceSettings(key_env="FACE_KEY"), {})
    with pytest.raises(ConfigError, match="not base64"):
        load_key(FaceSettings(key_env="K"), {"K": "not a key!"})
    with pytest.raises(ConfigError, match="16 bytes, 32 needed"):
        load_key(FaceSettings(key_env="K"), {"K": base64.b64encode(bytes(16)).decode()})
    with pytest.raises(ConfigError, match="cannot read"):
        load_key(FaceSettings(key_file=str(tmp_path / "missing.key")))


def test_central_refuses_to_start_with_faces_on_and_no_key(tmp_path: Path) -> None:
    data = central_dict(f"sqlite:///{tmp_path}/c.db", None)
    data["faces"] = {"enabled": True, "key_env": "NO_SUCH_FACE_KEY_HERE"}
    with pytest.raises(ConfigError, match="NO_SUCH_FACE_KEY_HERE"):
        create_app(CentralSettings.model_validate(data))


def test_central_faces_key_writes_a_private_key_once(tmp_path: Path) -> None:
    from central.cli import main

    path = tmp_path / "face.key"
    assert main(["faces-key", str(path)]) == 0
    assert path.stat().st_mode & 0o777 == 0o600
    assert len(load_key(FaceSettings(key_file=str(path)))) == 32
    before = path.read_bytes()
    assert main(["faces-key", str(path)]) == 2
    assert path.read_bytes() == before
