"""vosk models: what a model folder supports, and loading each model once, lazily.

A model folder with ``graph/HCLr.fst`` and ``graph/Gr.fst`` (and no ``HCLG.fst``) builds
its decoding graph at run time and so accepts a grammar; one with a static ``HCLG.fst``
ignores grammars, so it is used in open mode. The model's vocabulary (``words.txt``, or the
word symbols inside ``Gr.fst``: :mod:`speech.vocabulary`) respells each grammar phrase in
words the model knows ("도와주세요" -> "도와주 세요"); a phrase it cannot say at all is
left out and logged (vosk would drop its unknown words silently, so it would match
something shorter).

Loading is slow and big (the Korean model: about 520 MB and 3.3 s), so a model is loaded
on first use, in a thread, and shared by every recogniser of that language.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from speech.errors import ModelLoadError, ModelNotConfigured
from speech.settings import SpeechSettings
from speech.vocabulary import model_vocabulary, respell

_LOGGER = logging.getLogger(__name__)
UNKNOWN_WORD = "[unk]"


@dataclass(frozen=True)
class ModelInfo:
    """What a model folder offers."""

    path: Path
    grammar: bool
    """True when the model accepts a runtime grammar (HCLr.fst + Gr.fst, no HCLG.fst)."""
    vocabulary: frozenset[str] | None
    """Words the model knows, when it ships words.txt; None when it cannot be read."""

    @property
    def mode(self) -> str:
        """``grammar`` or ``open``."""
        return "grammar" if self.grammar else "open"


def inspect_model(path: Path) -> ModelInfo:
    """Look at a model folder; ModelLoadError if it is not a vosk model."""
    if not (path / "am").is_dir() or not (path / "conf").is_dir():
        raise ModelLoadError(f"{path}: not a vosk model folder (needs am/ and conf/)")
    graph = path / "graph"
    grammar = (
        (graph / "HCLr.fst").is_file()
        and (graph / "Gr.fst").is_file()
        and not (graph / "HCLG.fst").is_file()
    )
    vocabulary = model_vocabulary(path)
    return ModelInfo(path=path, grammar=grammar, vocabulary=vocabulary)


def grammar_phrases(phrases: list[str], info: ModelInfo) -> list[str]:
    """The grammar for ``phrases``: respelled in the model's words, unsayable ones left
    out (and logged), plus [unk]."""
    result: list[str] = []
    if info.vocabulary is None:
        _LOGGER.info("grammar: %s has no vocabulary to check; vosk drops unknown words", info.path)
        result = [phrase.lower() for phrase in phrases]
    else:
        left_out = []
        for phrase in phrases:
            spelled = respell(phrase, info.vocabulary)
            if spelled is None:
                left_out.append(phrase)
            elif spelled:
                result.append(spelled)
        if left_out:
            _LOGGER.debug(
                "grammar: %d phrase(s) the model cannot say: %s", len(left_out), left_out[:5]
            )
    return list(dict.fromkeys(result)) + [UNKNOWN_WORD]


@dataclass(frozen=True)
class LoadedModel:
    """A vosk Model with what its folder supports."""

    info: ModelInfo
    model: Any


class ModelPool:
    """Loads each language's model on first use and keeps it; one load at a time per path."""

    def __init__(self, settings: SpeechSettings) -> None:
        """Model paths come from ``settings.languages[lang].model_path``."""
        self._settings = settings
        self._loaded: dict[Path, LoadedModel] = {}
        self._locks: dict[Path, asyncio.Lock] = {}

    def path_for(self, lang: str) -> Path:
        """The configured model folder for ``lang``."""
        path = self._settings.language(lang).model_path
        if path is None:
            raise ModelNotConfigured(f"no recognition model configured for language {lang!r}")
        return path

    def is_loaded(self, lang: str) -> bool:
        """True when ``lang``'s model is in memory."""
        return self.path_for(lang) in self._loaded

    async def get(self, lang: str) -> LoadedModel:
        """The loaded model for ``lang`` (loads it in a thread on first call)."""
        path = self.path_for(lang)
        if path in self._loaded:
            return self._loaded[path]
        lock = self._locks.setdefault(path, asyncio.Lock())
        async with lock:
            if path not in self._loaded:
                info = await asyncio.to_thread(inspect_model, path)  # reads the vocabulary
                self._loaded[path] = LoadedModel(info, await asyncio.to_thread(_load_vosk, path))
                _LOGGER.info("loaded %s model %s (%s mode)", lang, path, info.mode)
        return self._loaded[path]


def _load_vosk(path: Path) -> Any:
    try:
        import vosk  # heavy: only when a model is really needed
    except ImportError as exc:
        raise ModelLoadError(f"vosk is not installed ({exc})") from exc
    vosk.SetLogLevel(-1)
    try:
        return vosk.Model(str(path))
    except Exception as exc:  # vosk raises a bare Exception on failure
        raise ModelLoadError(f"{path}: vosk could not load the model ({exc})") from exc
