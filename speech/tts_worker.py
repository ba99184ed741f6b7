"""The TTS worker process: pyttsx3 synthesises sentences to WAV files, one at a time.

Run as ``python tts_worker.py`` (by :class:`speech.tts.Speaker`); it imports nothing of
ours, so it starts without the package on the path. Protocol: one JSON object per line.

    in   {"id": 7, "text": "...", "voice": "aav/vi", "rate": 140, "volume": 1.0,
          "path": "/tmp/x.wav"}
    out  {"ready": true, "voices": [...]}             once, after pyttsx3 loaded
    out  {"id": 7, "ok": true}  or  {"id": 7, "ok": false, "error": "..."}

A process, not a thread: pyttsx3 must run its loop in the thread that created the engine,
and its espeak driver plays through a blocking ``aplay`` when not saving to a file.
pyttsx3 prints to stdout, so the protocol uses a duplicate of the original stdout and
fd 1 is pointed at stderr.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import wave
from typing import Any

_LOGGER = logging.getLogger("speech.tts_worker")


def _sentences(text: str) -> list[str]:
    # pyttsx3 2.99's espeak driver loses the audio of multi-sentence texts: one at a time
    parts = re.split(r"(?<=[.!?;:])\s+", text.strip())
    return [part for part in parts if part.strip()]


def _synthesise(engine: Any, request: dict[str, Any]) -> None:
    engine.setProperty("voice", request["voice"])
    engine.setProperty("rate", int(request["rate"]))
    engine.setProperty("volume", float(request["volume"]))
    target = request["path"]
    pcm = b""
    rate = 22050
    for index, sentence in enumerate(_sentences(request["text"])):
        part = f"{target}.{index}.wav"
        for _attempt in range(3):
            # the espeak driver now and then ends a run without audio: try again
            engine.save_to_file(sentence, part)
            engine.runAndWait()
            if os.path.exists(part) and os.path.getsize(part) > 44:
                break
        else:
            raise RuntimeError(f"no audio was produced for {sentence!r} (unknown voice?)")
        with wave.open(part, "rb") as stream:
            rate = stream.getframerate()
            pcm += stream.readframes(stream.getnframes())
        os.remove(part)
    if not pcm:
        raise RuntimeError("nothing to say")
    with wave.open(target, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)


def main() -> int:
    """Serve synthesis requests from stdin until it closes."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    import pyttsx3  # only this process loads it

    engine = pyttsx3.init()
    voices = [voice.id for voice in engine.getProperty("voices")]
    protocol.write(json.dumps({"ready": True, "voices": voices}) + "\n")
    # bytes, not sys.stdin: under a C/POSIX locale text mode would mangle Vietnamese
    for line in sys.stdin.buffer:
        try:
            request = json.loads(line.decode("utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            protocol.write(
                json.dumps({"id": None, "ok": False, "error": f"bad request: {exc}"}) + "\n"
            )
            continue
        try:
            _synthesise(engine, request)
            reply: dict[str, Any] = {"id": request.get("id"), "ok": True}
        except Exception as exc:  # report every failure to the daemon, keep serving
            reply = {"id": request.get("id"), "ok": False, "error": f"{type(exc).__name__}: {exc}"}
        protocol.write(json.dumps(reply) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
