"""`kiosk doctor`: check every part a kiosk needs and say what to fix, one line each.

For the technician at the machine: it opens each device named in the config the way the
daemon would (printer status, the base's serial timeout and battery, a camera frame, the
audio devices), asks central for its health and for this kiosk's services with its token,
looks at the journal for tickets that never reached central, and checks that the lobby map
has a pose for every counter central names. Nothing is printed on paper and nothing moves.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from drivers.audio import open_audio_in, open_audio_out
from drivers.audio.base import AudioError
from drivers.base import BaseError, open_base
from drivers.camera import CameraError, open_camera
from drivers.kworkers import DEFAULT_PRIORITY, is_raised, kernel_threads
from drivers.lidar import open_lidar
from drivers.printer import open_printer
from drivers.printer.base import Paper, PrinterError
from drivers.url import DeviceURLError
from kiosk.config import KioskConfig
from kiosk.tickets.client import CentralClient
from kiosk.tickets.errors import CentralError, CentralRejected, JournalError
from kiosk.tickets.journal import TicketJournal
from kiosk.tickets.wire import ServicesBody
from navigation.errors import NavigationError
from navigation.lobby import load_lobby
from navigation.separation import fields_at

_LOGGER = logging.getLogger(__name__)


class Verdict(enum.Enum):
    """How a check came out."""

    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Finding:
    """One checked part: verdict, what was found, and what to do about it."""

    part: str
    verdict: Verdict
    found: str
    fix: str = ""

    def line(self) -> str:
        """``ok printer: ...`` / ``FAIL central: ...; fix: ...``."""
        text = f"{self.verdict.value:4} {self.part}: {self.found}"
        return f"{text}; fix: {self.fix}" if self.fix else text


def check(config: KioskConfig) -> list[Finding]:
    """Run every check; never raises for a broken part (that is a finding)."""
    findings = [_guarded("journal", lambda: [_journal(config)])[0]]
    services = asyncio.run(_central(config, findings))
    for part, checker in (
        ("printer", lambda: [_printer(config)]),
        ("base", lambda: [_base(config)]),
        ("lidar", lambda: [_lidar(config)]),
        ("tty threads", lambda: [_tty_threads(config)]),
        ("camera", lambda: [_camera(config)]),
        ("audio", lambda: _audio(config)),
        ("faces", lambda: [_faces(config)]),
        ("lobby map", lambda: [_lobby(config, services)]),
    ):
        findings += _guarded(part, checker)
    return findings


def _guarded(part: str, checker: Callable[[], list[Finding]]) -> list[Finding]:
    """A part whose driver raised something nobody foresaw is one FAIL line naming the
    exception, never a traceback that hides the other parts' lines."""
    try:
        return checker()
    except Exception as exc:  # the technician needs the other lines too
        _LOGGER.debug("doctor: checking %s raised", part, exc_info=True)
        return [
            Finding(
                part,
                Verdict.FAIL,
                f"{type(exc).__name__}: {exc}",
                "check the device URL in the config, the cable and the power",
            )
        ]


def _journal(config: KioskConfig) -> Finding:
    path = config.kiosk.state_dir / "journal.sqlite3"
    try:
        journal = TicketJournal(path)
        try:
            stuck = [r for r in journal.unsynced() if r.sync_attempts > 0]
            counts = journal.counts()
        finally:
            journal.close()
    except (JournalError, OSError) as exc:
        return Finding(
            "journal",
            Verdict.FAIL,
            str(exc),
            f"make {config.kiosk.state_dir} writable by the kiosk user",
        )
    if stuck:
        numbers = ", ".join(r.number or r.key for r in stuck[:5])
        return Finding(
            "journal",
            Verdict.WARN,
            f"{len(stuck)} tickets central refused: {numbers}",
            "see the TECHNICIAN lines in the journal; the citizens hold valid numbers",
        )
    return Finding("journal", Verdict.OK, f"{path} {counts or 'empty'}")


async def _central(config: KioskConfig, findings: list[Finding]) -> ServicesBody | None:
    client = CentralClient(
        config.central.url,
        config.central.token,
        connect_timeout_s=config.central.connect_timeout_s,
        read_timeout_s=5,
    )
    try:
        health = await client.health()
        services = await client.services()
    except CentralRejected as exc:
        fix = (
            "use this kiosk's token from central's [[kiosks]]"
            if exc.status in (401, 403)
            else "compare the kiosk and central versions"
        )
        findings.append(Finding("central", Verdict.FAIL, str(exc), fix))
        return None
    except CentralError as exc:
        findings.append(
            Finding(
                "central",
                Verdict.WARN,
                f"{config.central.url}: {exc}",
                "check the network and `systemctl status central`; tickets "
                "are issued offline meanwhile",
            )
        )
        return None
    finally:
        await client.close()
    findings.append(
        Finding(
            "central",
            Verdict.OK,
            f"{config.central.url}: local day "
            f"{health.get('local_day')}, {len(services.services)} services",
        )
    )
    return services


def _printer(config: KioskConfig) -> Finding:
    url = config.devices.printer
    try:
        printer = open_printer(url, timeout_s=config.devices.printer_timeout_s)
        try:
            status = printer.status()
        finally:
            printer.close()
    except (DeviceURLError, PrinterError, OSError) as exc:
        return Finding("printer", Verdict.FAIL, f"{url}: {exc}", "check the cable and power")
    if not status.online:
        return Finding(
            "printer",
            Verdict.FAIL,
            f"{url}: no answer to a status request",
            "check the cable, the power and the printer's interface settings",
        )
    if status.cover_open:
        return Finding("printer", Verdict.FAIL, f"{url}: cover open", "close the cover")
    if status.paper in (Paper.OUT, Paper.NEAR_END):
        verdict = Verdict.FAIL if status.paper is Paper.OUT else Verdict.WARN
        return Finding(
            "printer", verdict, f"{url}: paper {status.paper.value}", "put in a new roll"
        )
    return Finding(
        "printer",
        Verdict.OK,
        f"{url}: online, paper {status.paper.value}, {printer.width_px} dots wide",
    )


def _base(config: KioskConfig) -> Finding:
    url = config.devices.base
    if url.startswith("none:"):
        return Finding("base", Verdict.OK, "none (a fixed kiosk shows the way on screen)")
    try:
        base = open_base(url)  # sets the controller's serial timeout and reads it back
        try:
            state = base.read_state(battery=True)
        finally:
            base.close()
    except (DeviceURLError, BaseError, OSError) as exc:
        return Finding(
            "base",
            Verdict.FAIL,
            f"{url}: {exc}",
            "check the serial cable and the controller's power and address",
        )
    battery = state.battery_v
    if state.estop:
        return Finding(
            "base",
            Verdict.WARN,
            f"{url}: emergency stop pressed or latched",
            "release the button; the staff screen's reset clears the latch",
        )
    nav = config.navigation
    if battery is not None and battery < nav.low_battery_v:
        return Finding(
            "base", Verdict.WARN, f"{url}: battery {battery:.1f} V", "put the robot on its charger"
        )
    return Finding(
        "base",
        Verdict.OK,
        f"{url}: answering, serial timeout set, battery "
        f"{'?' if battery is None else f'{battery:.1f} V'}; stops when odometry is "
        f"{nav.stale_odometry_s:.2f} s old, safety poll {nav.safety_poll_hz:.0f} Hz",
    )


def _lidar(config: KioskConfig) -> Finding:
    url = config.devices.lidar
    nav = config.navigation
    fields = fields_at(nav, nav.guide_speed_mps)
    fastest = fields_at(nav, nav.max_speed_mps)
    said = (
        f"protective field {fields.protective_m:.2f} m and warning field "
        f"{fields.warning_m:.2f} m ahead at {nav.guide_speed_mps} m/s "
        f"({fastest.protective_m:.2f} m at {nav.max_speed_mps} m/s)"
    )
    if url.startswith("none:"):
        if config.devices.base.startswith("none:"):
            return Finding("lidar", Verdict.OK, "none (no robot base)")
        return Finding(
            "lidar",
            Verdict.WARN,
            "none: the robot sees people only by its bumpers",
            "fit an RPLIDAR and set [devices] lidar = rplidar:///dev/kiosk-lidar",
        )
    try:
        lidar = open_lidar(url)
    except DeviceURLError as exc:
        return Finding("lidar", Verdict.FAIL, f"{url}: {exc}", "fix [devices] lidar")
    assert lidar is not None
    try:
        streaming = lidar.wait_streaming(3.0)
        info = getattr(lidar, "info", {})
        error = lidar.stats.last_error
    finally:
        lidar.close()
    if not streaming:
        return Finding(
            "lidar",
            Verdict.FAIL,
            f"{url}: not scanning ({error or 'no answer'})",
            "check the lidar's USB cable and that its motor spins",
        )
    return Finding(
        "lidar",
        Verdict.OK,
        f"{url}: scanning, model 0x{info.get('model', 0):02x} "
        f"firmware {info.get('firmware', '?')}; {said}",
    )


def _tty_threads(config: KioskConfig) -> Finding:
    """The kernel's tty threads, through which every byte between the stop guard and a
    serial controller passes, at real-time priority (kiosk-rt.service)."""
    if config.devices.base.split(":", 1)[0] in ("none", "sim"):
        return Finding("tty threads", Verdict.OK, "not used (no serial robot base)")
    threads = []
    for pid, name in kernel_threads():
        try:
            threads.append((name, is_raised(pid, DEFAULT_PRIORITY)))
        except ProcessLookupError:
            continue  # a worker the kernel just retired
    if not threads:
        return Finding(
            "tty threads",
            Verdict.WARN,
            "the kernel's kworker/u* threads are hidden",
            "run kiosk doctor as root",
        )
    low = sum(1 for _name, raised in threads if not raised)
    if low:
        return Finding(
            "tty threads", Verdict.WARN,
            f"{low} of {len(threads)} kernel tty threads (kworker/u*) below SCHED_FIFO "
            f"{DEFAULT_PRIORITY}: on a loaded machine a stop can wait 100 ms or more for them",
            "systemctl enable --now kiosk-rt (systemd/install.sh --robot installs it)",
        )  # fmt: skip
    return Finding(
        "tty threads",
        Verdict.OK,
        f"{len(threads)} kernel tty threads at SCHED_FIFO {DEFAULT_PRIORITY} or above (kiosk-rt)",
    )


def _camera(config: KioskConfig) -> Finding:
    url = config.devices.camera
    if url.startswith("none:"):
        return Finding("camera", Verdict.OK, "none")
    try:
        camera = open_camera(url)
        try:
            width, height = camera.read(2.0).size
        finally:
            camera.close()
    except (DeviceURLError, CameraError, OSError) as exc:
        return Finding(
            "camera",
            Verdict.WARN,
            f"{url}: {exc}",
            "check the USB cable; the kiosk works without the camera",
        )
    return Finding("camera", Verdict.OK, f"{url}: a {width}x{height} frame")


def _faces(config: KioskConfig) -> Finding:
    """The face lookup: models installed and loadable, and a camera to use them with."""
    if not config.faces.enabled:
        return Finding("faces", Verdict.OK, "off")
    from kiosk.faces.engine import FaceEngine, ModelsMissing, model_files

    started = time.monotonic()
    try:
        files = model_files()
        FaceEngine.load(config.faces)
    except (ModelsMissing, RuntimeError, OSError) as exc:
        return Finding(
            "faces",
            Verdict.FAIL,
            str(exc),
            "scripts/setup.sh installs the faces extra; or set [faces] enabled = false",
        )
    sizes = ", ".join(
        f"{role} {Path(path).name} {Path(path).stat().st_size // 2**20} MB"
        for role, path in sorted(files.items())
    )
    found = f"models loaded in {time.monotonic() - started:.1f} s ({sizes})"
    if config.devices.camera.startswith("none:"):
        return Finding(
            "faces",
            Verdict.WARN,
            f"{found}; no camera",
            "set devices.camera; until then the face button is hidden",
        )
    return Finding(
        "faces",
        Verdict.OK,
        f"{found}; second factor {config.faces.second_factor}, "
        f"threshold {config.faces.threshold}, margin {config.faces.margin}",
    )


def _audio(config: KioskConfig) -> list[Finding]:
    findings = []
    for part, url, opener in (
        ("microphone", config.devices.audio_in, open_audio_in),
        ("speaker", config.devices.audio_out, open_audio_out),
    ):
        if url.startswith("none:"):
            findings.append(Finding(part, Verdict.OK, "none"))
            continue
        findings.append(_try_open(part, url, opener))
    for code, language in config.speech.languages.items() if config.speech else ():
        path = language.model_path
        if path is not None and not Path(path).is_dir():
            findings.append(
                Finding(
                    f"voice {code}",
                    Verdict.WARN,
                    f"no model at {path}",
                    f"kiosk models install {code} --from ... --sha256 ...",
                )
            )
    return findings


def _try_open(part: str, url: str, opener: Callable[[str], object]) -> Finding:
    # Audio devices hand their frames to the running event loop: open them inside one, as
    # the daemon does (outside a loop the microphone refuses to open at all).
    async def opened() -> Finding:
        try:
            device = opener(url)
        except (DeviceURLError, AudioError, OSError) as exc:
            return Finding(part, Verdict.WARN, f"{url}: {exc}", "voice is off; touch still works")
        close = getattr(device, "close", None)
        if callable(close):
            result = close()
            if asyncio.iscoroutine(result):
                await result
        return Finding(part, Verdict.OK, url)

    return asyncio.run(opened())


def _lobby(config: KioskConfig, services: ServicesBody | None) -> Finding:
    try:
        lobby = load_lobby(config.navigation.map_path)
    except NavigationError as exc:
        return Finding(
            "lobby map",
            Verdict.WARN,
            str(exc),
            "fix [navigation] map_path; the way to counters cannot be shown",
        )
    counters = {c.code for s in (services.services if services else []) for c in s.counters}
    missing = sorted(c for c in counters if c not in lobby.poses)
    if missing:
        return Finding(
            "lobby map",
            Verdict.FAIL,
            f"no pose for counters {', '.join(missing)}",
            "add them to the map's poses (named as central's counter codes)",
        )
    areas = sorted(
        s.code
        for s in (services.services if services else [])
        if len(s.counters) > 1 and f"wait-{s.code}" not in lobby.poses
    )
    if areas:
        return Finding(
            "lobby map",
            Verdict.WARN,
            f"no waiting area for {', '.join(areas)} (served at several counters)",
            "add poses wait-<service> to the map; until then the robot leads to "
            "the field's first counter",
        )
    return Finding(
        "lobby map",
        Verdict.OK,
        f"{len(lobby.poses)} poses"
        + (f", every one of central's {len(counters)} counters" if counters else "")
        + (", a waiting area for every field served at several counters" if services else ""),
    )
