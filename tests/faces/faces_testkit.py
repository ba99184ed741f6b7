"""Helpers of the face tests: the shared test photos, and central settings with faces on.

The photos are ../shared/faces (public figures, from the face_recognition project's
tests): two photos each of four people, one of a fifth, and one with two faces.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from drivers.camera.photos import load_photo
from kiosk.faces.liveness import Turn

FACES = Path(__file__).resolve().parents[3] / "shared" / "faces"
if not FACES.is_dir():  # worktrees sit one level deeper than a clone
    FACES = Path("/work/shared/faces")

#: person -> photos of them (two_people.jpg is apart)
PEOPLE = {
    "obama": ["obama_1.jpg", "obama_2.jpg"],
    "biden": ["biden_1.jpg", "biden_2.jpg"],
    "kit": ["kit_harington_1.jpg", "kit_harington_2.jpg"],
    "rose": ["rose_leslie_1.jpg", "rose_leslie_2.jpg"],
    "alex": ["alex_lacamoire_1.jpg"],
}

KIOSK_TOKEN = "faces-kiosk-K1-token-0"
KIOSK2_TOKEN = "faces-kiosk-K2-token-0"
COUNTER_TOKEN = "faces-counter-Q1-token"
TEST_KEY = bytes(range(32))


def photo(name: str) -> npt.NDArray[np.uint8]:
    """One test photo as RGB pixels."""
    return load_photo(FACES / name)


def write_key(folder: Path, key: bytes = TEST_KEY) -> Path:
    """A key file as ``central faces-key`` writes it."""
    path = folder / "face.key"
    path.write_text(base64.b64encode(key).decode() + "\n", encoding="ascii")
    return path


def central_dict(database_url: str, key_file: Path | None, **faces: Any) -> dict[str, Any]:
    """A one-service centre with two kiosks, one counter, and faces on."""
    face_cfg: dict[str, Any] = {"enabled": key_file is not None, **faces}
    if key_file is not None:
        face_cfg["key_file"] = str(key_file)
    return {
        "database_url": database_url,
        "services": [{"code": "tu-phap", "prefix": "A", "names": {"vi": "Tư pháp"}}],
        "counters": [
            {"code": "Q1", "name": "Quầy 1", "services": ["tu-phap"], "token": COUNTER_TOKEN}
        ],
        "kiosks": [
            {"id": "K1", "token": KIOSK_TOKEN, "offline_prefix": "K1"},
            {"id": "K2", "token": KIOSK2_TOKEN, "offline_prefix": "K2"},
        ],
        "faces": face_cfg,
    }


def auth(token: str) -> dict[str, str]:
    """Bearer header."""
    return {"Authorization": f"Bearer {token}"}


def record_dossiers(
    app: Any, *codes: str, birth_year: int | None = None, phone: str | None = None
) -> None:
    """Dossiers received at a counter (central's reference adapter), with the second
    factor a face enrolment is checked against."""
    from central.dossiers import create_dossier

    for code in codes:
        body = {
            "code": code,
            "applicant_name": "Nguyễn Văn An",
            "received_on": "2026-11-20",
            "birth_year": birth_year,
            "phone": phone,
        }
        app.state.store.run_sync(lambda conn, body=body: create_dossier(conn, body, 0))


#: magic numbers of picture files (JPEG, PNG, BMP, GIF, TIFF, WebP/RIFF, PPM/PGM, numpy)
MAGICS = (
    b"\xff\xd8\xff",
    b"\x89PNG",
    b"BM",
    b"GIF8",
    b"II*\x00",
    b"MM\x00*",
    b"RIFF",
    b"P6\n",
    b"P5\n",
    b"\x93NUMPY",
)


def pictures_under(folder: Path) -> list[Path]:
    """Every file under ``folder`` that starts like a picture (or a numpy array)."""
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                head = handle.read(8)
            if any(head.startswith(m) for m in MAGICS):
                found.append(path)
    return found


def turned(name: str, turn: Turn) -> npt.NDArray[np.uint8]:
    """A photo of the person turned their right (obama_2), mirrored for their left."""
    pixels = photo(name)
    return pixels if turn is Turn.RIGHT else np.ascontiguousarray(pixels[:, ::-1])
