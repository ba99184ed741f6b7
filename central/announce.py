"""What the hall display says when a number is called, and its sound, made on central.

"Mời số A012 đến Quầy 3" is said as "Mời số A, không, một, hai, đến Quầy ba": a ticket
number is read digit by digit, as the kiosk's own normaliser does (central shares no
code with the kiosk, so the few rules are repeated here), while the counter's number is
read as a number. A ticket in another language gets a second sentence in that language.

Speech comes from the ``espeak-ng`` program (the same engine the kiosk speaks with),
run as a subprocess with ``--stdout``: no Python binding is needed and a hang cannot
block the server (a timeout kills it). Results are cached per sentence; the chime is a
two-tone WAV made here with the standard library, so the page loads nothing else.
"""

from __future__ import annotations

import asyncio
import io
import logging
import math
import re
import shutil
import struct
import wave
from collections import OrderedDict

_LOGGER = logging.getLogger(__name__)

DIGITS = {
    "vi": ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"),
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    "ko": ("공", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구"),
}
SENTENCES = {
    "vi": "Mời số {number}, đến {counter}.",
    "en": "Number {number}, please go to {counter}.",
    "ko": "{number}번 고객님, {counter}로 와 주십시오.",
}
VOICES = {"vi": "vi", "en": "en", "ko": "ko"}
SYNTH_TIMEOUT_S = 10.0
_CACHE = 64
_TICKET = re.compile(r"^([A-Z0-9]+-)?([A-Z]{1,2})(\d+)$")


def _vi_number(value: int) -> str:
    """0..999 in Vietnamese words (counter numbers)."""
    units = DIGITS["vi"]
    if value < 10:
        return units[value]
    if value < 100:
        tens, unit = divmod(value, 10)
        head = "mười" if tens == 1 else f"{units[tens]} mươi"
        if unit == 0:
            return head
        tail = {1: "mốt" if tens > 1 else "một", 5: "lăm", 4: "tư" if tens > 1 else "bốn"}
        return f"{head} {tail.get(unit, units[unit])}"
    hundreds, rest = divmod(value, 100)
    if rest == 0:
        return f"{units[hundreds]} trăm"
    middle = f" linh {units[rest]}" if rest < 10 else f" {_vi_number(rest)}"
    return f"{units[hundreds]} trăm{middle}"


def spell_number(number: str, lang: str) -> str:
    """A ticket number letter by letter and digit by digit ("A012" -> "A, không, một, hai")."""
    digits = DIGITS.get(lang, DIGITS["vi"])
    match = _TICKET.match(number)
    if match is None:
        return " ".join(digits[int(c)] if c.isdigit() else c for c in number)
    kiosk, letters, figures = match.groups()
    parts = [" ".join(kiosk.rstrip("-"))] if kiosk else []
    parts.append(" ".join(letters))
    parts.extend(digits[int(c)] for c in figures)
    return ", ".join(parts)


def say_counter(name: str, lang: str) -> str:
    """A counter name with its number in words for Vietnamese ("Quầy 10" -> "Quầy mười")."""
    if lang != "vi":
        return name
    return re.sub(r"\d{1,3}", lambda m: _vi_number(int(m.group(0))), name)


def sentences(number: str, counter_name: str, language: str) -> list[tuple[str, str]]:
    """``(lang, text)`` to speak: Vietnamese, then the ticket's language if different."""
    out = []
    for lang in ("vi", language) if language != "vi" else ("vi",):
        if lang not in SENTENCES:
            continue
        text = SENTENCES[lang].format(
            number=spell_number(number, lang), counter=say_counter(counter_name, lang)
        )
        out.append((lang, text))
    return out


def chime_wav(rate: int = 22050) -> bytes:
    """A soft two-tone chime (E5 then C5), 16-bit mono WAV."""
    frames = bytearray()
    for freq, length in ((659.25, 0.35), (523.25, 0.55)):
        count = int(rate * length)
        for i in range(count):
            fade = min(1.0, i / (0.01 * rate)) * math.exp(-3.0 * i / count)
            value = 0.35 * fade * math.sin(2 * math.pi * freq * i / rate)
            frames += struct.pack("<h", int(value * 32767))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(bytes(frames))
    return out.getvalue()


def _join_wavs(parts: list[bytes]) -> bytes:
    """Concatenate WAVs of the same format, with half a second of silence between."""
    params = None
    frames = bytearray()
    for part in parts:
        with wave.open(io.BytesIO(part), "rb") as wav:
            if params is None:
                params = wav.getparams()
            elif wav.getframerate() != params.framerate:
                continue  # every espeak-ng voice writes 22050 Hz mono; never mix rates
            if frames:
                frames += b"\x00" * (params.sampwidth * params.framerate // 2)
            frames += wav.readframes(wav.getnframes())
    assert params is not None
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setparams(params)
        wav.writeframes(bytes(frames))
    return out.getvalue()


class SpeechError(RuntimeError):
    """espeak-ng is missing or failed."""


class Announcer:
    """Speaks call sentences with espeak-ng into WAV bytes, with a small cache."""

    def __init__(self, program: str = "espeak-ng", speed_wpm: int = 140) -> None:
        self.program = shutil.which(program)
        self._speed = speed_wpm
        self._cache: OrderedDict[tuple[str, str, str], bytes] = OrderedDict()

    async def _speak(self, lang: str, text: str) -> bytes:
        if self.program is None:
            raise SpeechError("espeak-ng is not installed (apt-get install espeak-ng)")
        proc = await asyncio.create_subprocess_exec(
            self.program,
            "-v",
            VOICES[lang],
            "-s",
            str(self._speed),
            "--stdout",
            text,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, err = await asyncio.wait_for(proc.communicate(), SYNTH_TIMEOUT_S)
        except TimeoutError as exc:
            proc.kill()
            await proc.wait()
            raise SpeechError(f"espeak-ng took longer than {SYNTH_TIMEOUT_S} s") from exc
        if proc.returncode != 0 or not out.startswith(b"RIFF"):
            raise SpeechError(f"espeak-ng failed ({proc.returncode}): {err[-200:]!r}")
        return out

    async def call_wav(self, number: str, counter_name: str, language: str) -> bytes:
        """The spoken call as one WAV (Vietnamese, then the ticket's language)."""
        key = (number, counter_name, language)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        parts = [await self._speak(lang, text) for lang, text in sentences(*key)]
        audio = _join_wavs(parts)
        self._cache[key] = audio
        while len(self._cache) > _CACHE:
            self._cache.popitem(last=False)
        _LOGGER.info("synthesised the call of %s to %s (%s)", number, counter_name, language)
        return audio
