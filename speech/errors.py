"""The speech package's errors.

Errors::

    SpeechError                   base; ``code`` is short and machine-readable
    +-- CatalogueError            the service catalogue file is missing or malformed
    +-- ModelError                a recognition model cannot be used
    |   +-- ModelNotConfigured    no model path for this language in settings
    |   +-- ModelLoadError        the path is not a vosk model, or vosk failed to load it
    +-- ModelInstallError         ``kiosk models install`` refused or failed
    |   +-- ChecksumMismatch      the archive's SHA-256 is not the one given
    |   +-- UnsafeArchive         path traversal, links or devices in the archive
    |   +-- ArchiveTooLarge       too big, too many files, a bomb, or no room on the disk
    +-- RecognitionError          the microphone or decoder failed mid-utterance
    +-- SpeakError                text could not be spoken (worker failed twice, bad voice)

Audio device errors (:mod:`drivers.audio.base`) are converted to RecognitionError or
SpeakError at this boundary, with the original as ``__cause__``.
"""

from __future__ import annotations


class SpeechError(Exception):
    """Something in speech failed; ``code`` names it for screens and logs."""

    code = "speech-error"


class CatalogueError(SpeechError):
    """The service catalogue is missing or malformed (the message names file and key)."""

    code = "catalogue-invalid"


class ModelError(SpeechError):
    """A recognition model cannot be used."""

    code = "stt-model"


class ModelNotConfigured(ModelError):
    """Settings name no model for the language asked for."""

    code = "stt-model-not-configured"


class ModelLoadError(ModelError):
    """The configured path is not a vosk model or vosk could not load it."""

    code = "stt-model-load-failed"


class ModelInstallError(SpeechError):
    """Installing a model archive failed or was refused."""

    code = "model-install-failed"


class ChecksumMismatch(ModelInstallError):
    """The archive's SHA-256 differs from the expected one."""

    code = "model-checksum-mismatch"


class UnsafeArchive(ModelInstallError):
    """The archive would write outside its folder (``..``, absolute paths, links, devices)."""

    code = "model-archive-unsafe"


class ArchiveTooLarge(ModelInstallError):
    """The archive unpacks to more than allowed (size, files, ratio) or than the disk holds."""

    code = "model-archive-too-large"


class RecognitionError(SpeechError):
    """The microphone or the decoder failed while listening."""

    code = "stt-stream-failed"


class SpeakError(SpeechError):
    """Text could not be synthesised or played."""

    code = "tts-failed"
