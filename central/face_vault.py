"""The key that protects face templates, and what is done with it.

AES-256-GCM from ``cryptography`` (a well-kept library; nothing written here but the
framing). Two sub-keys come out of the one key by HKDF-SHA256: one encrypts templates and
dossier references, one keys the HMAC under which second factors and dossier codes are
looked up, so the database alone reveals neither a face, a birth year nor which dossier
a face belongs to. The associated data binds each ciphertext to its row, so ciphertexts
cannot be swapped between rows. The key comes from a file or the environment, never from
the database; its short id is stored with each row so a wrong key is named, not guessed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from central.errors import CentralError, ConfigError
from central.face_settings import FaceSettings

_LOGGER = logging.getLogger(__name__)

KEY_BYTES = 32
NONCE_BYTES = 12


class VaultError(CentralError):
    """A ciphertext cannot be opened: another key, or tampering (500, never detailed)."""

    status = 500


def new_key() -> str:
    """A fresh random key, base64 (what ``central faces-key`` writes)."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def load_key(settings: FaceSettings, environ: dict[str, str] | None = None) -> bytes:
    """The key from ``key_file`` or ``key_env``; ConfigError naming what is wrong."""
    env = os.environ if environ is None else environ
    if settings.key_file:
        where = f"faces.key_file {settings.key_file}"
        try:
            text = Path(settings.key_file).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError([f"{where}: cannot read: {exc}"]) from exc
    else:
        where = f"faces.key_env ${settings.key_env}"
        text = env.get(settings.key_env, "").strip()
        if not text:
            raise ConfigError([f"{where}: not set (faces are enabled and need a key)"])
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ConfigError([f"{where}: not base64"]) from exc
    if len(key) != KEY_BYTES:
        raise ConfigError([f"{where}: {len(key)} bytes, {KEY_BYTES} needed"])
    return key


class FaceVault:
    """Encrypts and opens templates and references; keyed hashes for look-ups."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"{KEY_BYTES}-byte key needed")
        self.key_id = hashlib.sha256(b"face-key-id" + key).hexdigest()[:16]
        self._aead = AESGCM(_derive(key, b"kiosk face templates v1"))
        self._mac_key = _derive(key, b"kiosk face lookups v1")

    def seal(self, plain: bytes, row: str) -> bytes:
        """``nonce || ciphertext+tag`` of ``plain``, bound to ``row``."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plain, row.encode("utf-8"))

    def open(self, sealed: bytes, row: str) -> bytes:
        """The plain bytes; VaultError when the key or the row does not fit."""
        try:
            return self._aead.decrypt(
                sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], row.encode("utf-8")
            )
        except (InvalidTag, ValueError) as exc:
            _LOGGER.error(
                "TECHNICIAN: a face row does not open with the configured key "
                "(key changed or row tampered with)"
            )
            raise VaultError("internal", "internal server error") from exc

    def mac(self, kind: str, value: str) -> str:
        """Keyed hash of ``kind:value`` (a second factor, a dossier code), hex."""
        message = f"{kind}:{value}".encode()
        return hmac.new(self._mac_key, message, hashlib.sha256).hexdigest()


def _derive(key: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(key)
