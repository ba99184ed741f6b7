"""Checks a valid config must still pass before the daemon starts: the files and folders
it names, and the device URLs that are only fully understood by their driver.

The pydantic model (:mod:`kiosk.config`) checks types, ranges and URL schemes. What it
cannot see is whether ``state_dir`` can hold a journal (``/proc/kiosk-state`` is a fine
path and an impossible folder), whether the printer URL makes sense to the printer driver
(``tcp://:notaport``), whether the catalogue file exists (without it the kiosk offers no
service) and whether each voice model folder holds a model. ``kiosk check-config`` and
``kiosk run`` run these checks, so a config that passes ``check-config`` starts, and one
that would not start fails with one line per problem and exit 2 (systemd does not
restart on 2: ``RestartPreventExitStatus=2``).

Nothing here opens a device, prints, moves or talks to central; folders are created the
way the daemon would create them, and a probe file is written and removed.
"""

from __future__ import annotations

import functools
import logging
import os
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from drivers.printer import open_printer
from drivers.url import DeviceURLError
from kiosk.config import KioskConfig, load_config_or_report
from navigation.errors import NavigationError
from navigation.lobby import load_lobby
from speech.catalogue import load_catalogue
from speech.errors import CatalogueError

_LOGGER = logging.getLogger(__name__)


def prestart_problems(config: KioskConfig, source: str) -> list[str]:
    """One ``source: key: reason`` line per problem that would stop or cripple the daemon."""
    problems: list[str] = []
    checks: list[tuple[str, Callable[[], str | None]]] = [
        ("devices.printer", lambda: _printer(config)),
        ("kiosk.state_dir", lambda: _writable_folder(config.kiosk.state_dir)),
        ("kiosk.state_dir", lambda: _journal(config.kiosk.state_dir)),
        ("kiosk.catalogue", lambda: _catalogue(config.kiosk.catalogue)),
    ]
    if config.tickets.preview_dir is not None:
        preview = config.tickets.preview_dir
        checks.append(("tickets.preview_dir", lambda: _writable_folder(preview)))
    if not config.devices.base.startswith("none:"):
        checks.append(("navigation.map_path", lambda: _lobby(config.navigation.map_path)))
    for code, language in config.speech.languages.items() if config.speech else ():
        key = f"speech.languages.{code}"
        if code not in config.kiosk.languages:
            problems.append(
                f"{source}: {key}: {code!r} is not one of kiosk.languages "
                f"({', '.join(config.kiosk.languages)}): citizens could never choose it"
            )
        if language.model_path is not None:
            model = language.model_path
            checks.append((f"{key}.model_path", functools.partial(_vosk_model, model)))
    for key, check in checks:
        reason = check()
        if reason is not None and not any(p.startswith(f"{source}: {key}:") for p in problems):
            problems.append(f"{source}: {key}: {reason}")
    return problems


def prestart_notes(config: KioskConfig) -> list[str]:
    """Things that are allowed but that a technician should know (not errors)."""
    notes = []
    for code, language in config.speech.languages.items() if config.speech else ():
        if language.model_path is None and code in config.kiosk.languages:
            notes.append(
                f"speech.languages.{code}: no model_path: citizens cannot speak {code} "
                f"(the kiosk still speaks it); install one with `kiosk models install {code}`"
            )
    return notes


def _printer(config: KioskConfig) -> str | None:
    try:
        printer = open_printer(config.devices.printer, timeout_s=config.devices.printer_timeout_s)
    except (DeviceURLError, ValueError) as exc:
        return str(exc)
    printer.close()  # built, never opened
    return None


def _writable_folder(folder: Path) -> str | None:
    """Create ``folder`` as the daemon would and write a probe file in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot create folder {folder}: {exc.strerror or exc}"
    if not folder.is_dir():
        return f"{folder} is not a folder"
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".check-config-") as probe:
            probe.write(b"ok")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        return f"cannot write in {folder}: {exc.strerror or exc}"
    return None


def _journal(state_dir: Path) -> str | None:
    """An existing journal must be a SQLite database (a new one is created at start)."""
    path = state_dir / "journal.sqlite3"
    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5.0) as db:
            db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        return f"{path} is not a readable ticket journal ({exc}); move it aside"
    return None


def _catalogue(path: Path) -> str | None:
    try:
        catalogue = load_catalogue(path)
    except CatalogueError as exc:
        return str(exc)
    except OSError as exc:
        return f"{path}: cannot read: {exc.strerror or exc}"
    if not catalogue.services:
        return f"{path}: no services: citizens would have nothing to choose"
    return None


def _lobby(map_path: str | Path) -> str | None:
    try:
        load_lobby(map_path)
    except NavigationError as exc:
        return f"{exc} (the robot could not guide)"
    return None


def _vosk_model(folder: Path) -> str | None:
    if not folder.is_dir():
        return f"no model folder at {folder}: install one with `kiosk models install`"
    if not (folder / "am").is_dir() or not (folder / "conf").is_dir():
        return f"{folder} is not a vosk model folder (no am/ and conf/ inside)"
    return None


def load_checked_config(path: Path | str, *, notes: bool = False) -> KioskConfig | None:
    """The config if it loads *and* passes :func:`prestart_problems`; else None after one
    line per problem on stderr (the commands then exit 2). ``notes`` also prints
    :func:`prestart_notes` to stdout."""
    config = load_config_or_report(path)
    if config is None:
        return None
    problems = prestart_problems(config, str(path))
    for line in problems:
        print(line, file=sys.stderr)
    if notes:
        for line in prestart_notes(config):
            print(f"{path}: note: {line}")
    return None if problems else config
