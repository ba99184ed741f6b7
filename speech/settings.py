"""Speech settings, embedded by kiosk/config.py as the ``[speech]`` TOML section."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class LanguageSettings(BaseModel):
    """Recognition model and voice for one language."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    model_path: Path | None = None
    """Folder of the vosk model for this language; None = no voice input in this language."""
    voice: str = "en-us"
    """pyttsx3/espeak-ng voice id: ``aav/vi``, ``aav/vi-vn-x-south``, ``gmw/en-us``, ``ko``."""
    rate: int = Field(default=150, ge=60, le=400)
    """Speaking rate in words per minute."""
    slow_rate: int = Field(default=110, ge=40, le=400)
    """Rate used after the citizen asks to speak more slowly."""
    volume: float = Field(default=1.0, ge=0.0, le=1.0)
    """Synthesis volume, 0..1."""


class VadSettings(BaseModel):
    """Endpointing: when an utterance starts and ends (webrtcvad on 30 ms frames)."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    aggressiveness: int = Field(default=2, ge=0, le=3)
    """webrtcvad mode: 0 keeps most audio as speech, 3 is the most aggressive filter."""
    speech_start_ms: int = Field(default=150, ge=30, le=2000)
    """Voiced audio needed (within a 300 ms window) before an utterance counts as started."""
    silence_end_ms: int = Field(default=700, ge=150, le=5000)
    """Trailing silence that ends an open utterance (a question in the citizen's words)."""
    grammar_silence_end_ms: int = Field(default=240, ge=90, le=5000)
    """Trailing silence that ends an utterance on a screen with a grammar (a choice among
    short known phrases, where nobody pauses to think mid-phrase)."""
    early_silence_ms: int = Field(default=150, ge=60, le=5000)
    """Trailing silence after which an utterance ends early, when what was heard so far is
    a complete phrase of the screen and is understood with high confidence."""
    speculate_silence_ms: int = Field(default=90, ge=30, le=5000)
    """Trailing silence after which the partial result is understood and its answer
    synthesised in advance (kept if the final result is the same, dropped if not)."""
    pre_roll_ms: int = Field(default=300, ge=0, le=2000)
    """Audio kept from before the start so the first syllable is not lost."""
    max_utterance_s: float = Field(default=10.0, ge=1.0, le=60.0)
    """An utterance is cut (and decoded) after this long."""
    no_speech_timeout_s: float = Field(default=6.0, ge=0.5, le=120.0)
    """Touch-to-talk gives up when nobody starts speaking within this time."""


class SpeechSettings(BaseModel):
    """Everything speech needs: languages, endpointing, listening mode, snapping."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    languages: dict[str, LanguageSettings] = Field(
        default_factory=lambda: {
            "vi": LanguageSettings(voice="aav/vi", rate=140, slow_rate=105),
            "en": LanguageSettings(voice="gmw/en-us", rate=160, slow_rate=120),
            "ko": LanguageSettings(voice="ko", rate=150, slow_rate=110),
        }
    )
    """Per language code (vi, en, ko, ...): model path and voice."""
    default_language: str = "vi"
    """Language used when the citizen has not chosen one."""
    listening_mode: Literal["touch", "always"] = "touch"
    """touch = listen after the microphone button; always = listen whenever the kiosk is quiet."""
    vad: VadSettings = Field(default_factory=VadSettings)
    """Endpointing settings."""
    snap_cutoff: float = Field(default=80.0, ge=50.0, le=100.0)
    """Lowest rapidfuzz score (0..100) at which a transcript counts as a known phrase."""
    echo_guard_ms: int = Field(default=300, ge=0, le=3000)
    """Microphone stays muted this long after the kiosk stops speaking (room echo)."""
    recognizer_max_utterances: int = Field(default=50, ge=1, le=10_000)
    """A KaldiRecognizer is recreated after this many utterances (its memory grows)."""
    synthesis_timeout_s: float = Field(default=10.0, ge=1.0, le=120.0)
    """Longest wait for the TTS worker to synthesise one sentence."""
    worker_start_timeout_s: float = Field(default=20.0, ge=1.0, le=120.0)
    """Longest wait for the TTS worker process to start and load pyttsx3."""

    @field_validator("languages")
    @classmethod
    def _language_codes(cls, value: dict[str, LanguageSettings]) -> dict[str, LanguageSettings]:
        for code in value:
            if not (2 <= len(code) <= 8 and code.isascii() and code.isalpha() and code.islower()):
                raise ValueError(f"language code {code!r} must be 2..8 lower-case letters")
        if not value:
            raise ValueError("at least one language is needed")
        return value

    @model_validator(mode="after")
    def _default_is_configured(self) -> SpeechSettings:
        if self.default_language not in self.languages:
            raise ValueError(
                f"default_language {self.default_language!r} is not one of the languages "
                f"({', '.join(sorted(self.languages))})"
            )
        return self

    def language(self, code: str) -> LanguageSettings:
        """Settings for ``code``; a KeyError names the configured languages."""
        try:
            return self.languages[code]
        except KeyError:
            raise KeyError(
                f"language {code!r} is not configured ({', '.join(sorted(self.languages))})"
            ) from None
