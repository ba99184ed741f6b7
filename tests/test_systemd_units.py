"""The systemd units: valid, hardened to an exposure score of 4.5 or less, and still able
to reach every device the kiosk drives.

``systemd-analyze`` runs offline (no systemd needed as PID 1, as in a container or CI):
``verify`` on a copy of each unit whose ``/opt/kiosk/.venv/bin`` commands point at this
virtualenv (verify checks that they exist), ``security --offline=true`` for the score.
``MemoryDenyWriteExecute`` is checked by running the native code under the kernel's own
W^X lock (tests/mdwe_probe.py).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from drivers.base.guard import DEFAULT_FIFO as GUARD_FIFO
from drivers.kworkers import DEFAULT_PRIORITY as KWORKER_FIFO
from navigation.safety_thread import DEFAULT_FIFO as SAFETY_FIFO

ROOT = Path(__file__).resolve().parents[1]
UNITS = ROOT / "systemd"
MAX_EXPOSURE = 4.5

pytestmark = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed"
)


def _settings(unit: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in (UNITS / unit).read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


@pytest.mark.parametrize("unit", ["kiosk.service", "central.service", "kiosk-rt.service"])
def test_unit_verifies_without_a_warning(unit: str, tmp_path: Path) -> None:
    text = (UNITS / unit).read_text(encoding="utf-8")
    copy = tmp_path / unit
    copy.write_text(text.replace("/opt/kiosk/.venv/bin/", f"{Path(sys.executable).parent}/"))
    done = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr


@pytest.mark.parametrize("unit", ["kiosk.service", "central.service", "kiosk-rt.service"])
def test_unit_exposure_is_at_most_4_5(unit: str) -> None:
    done = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", "--no-pager", str(UNITS / unit)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", done.stdout + done.stderr)
    assert match is not None, done.stdout + done.stderr
    assert float(match.group(1)) <= MAX_EXPOSURE, done.stdout


def test_hardening_keeps_the_kiosks_devices_and_watchdog() -> None:
    kiosk = _settings("kiosk.service")
    allowed = {value.split()[0] for value in kiosk["DeviceAllow"]}
    # serial base and printer, USB printer (libusb), camera, sound, screen, touch panel
    assert {
        "char-ttyUSB",
        "char-ttyACM",
        "char-usb_device",
        "char-video4linux",
        "char-alsa",
        "char-drm",
        "char-input",
    } <= allowed
    assert {"dialout", "lp", "audio", "video", "input"} <= set(
        kiosk["SupplementaryGroups"][0].split()
    )
    assert "PrivateDevices" not in kiosk and "PrivateUsers" not in kiosk  # groups must map
    families = set(kiosk["RestrictAddressFamilies"][0].split())
    assert {"AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK"} <= families  # notify, central, udev
    assert kiosk["Type"] == ["notify"] and kiosk["WatchdogSec"] == ["30"]
    assert "localhost" in kiosk["IPAddressAllow"][0]  # the health endpoint
    for unit in (kiosk, _settings("central.service")):
        assert unit["RestartPreventExitStatus"] == ["2"] and unit["UMask"] == ["0027"]
        assert unit["CapabilityBoundingSet"] == [""] and unit["SystemCallErrorNumber"] == ["EPERM"]


def test_memory_deny_write_execute_only_where_the_native_code_allows_it() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "mdwe_probe.py")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if report["mdwe"] == "unsupported":
        pytest.skip("this kernel has no PR_SET_MDWE (Linux < 6.3)")
    assert report["central"] == "A001"  # central's whole stack runs under W^X
    assert _settings("central.service")["MemoryDenyWriteExecute"] == ["yes"]
    for part in ("numpy", "pygame", "ctypes_closure", "vosk", "dlib", "zxing"):
        assert part in report and "W+X" not in report[part], part
    if "W+X" in report["cffi_closure"]:  # sounddevice's PortAudio callback
        assert "MemoryDenyWriteExecute" not in _settings("kiosk.service")
    else:
        assert _settings("kiosk.service").get("MemoryDenyWriteExecute") == ["yes"]


def test_robot_drop_in_allows_real_time_stops_and_stays_hardened(tmp_path: Path) -> None:
    """kiosk.service refuses real-time scheduling; the robot's drop-in allows the stop
    guard (SCHED_FIFO 60) and the safety thread (50) through RLIMIT_RTPRIO, with no
    capability, and the merged unit still verifies and scores 4.5 or less."""
    drop_in = (UNITS / "kiosk-robot.conf").read_text(encoding="utf-8")
    merged = (UNITS / "kiosk.service").read_text(encoding="utf-8") + "\n" + drop_in
    unit = tmp_path / "kiosk.service"
    unit.write_text(merged.replace("/opt/kiosk/.venv/bin/", f"{Path(sys.executable).parent}/"))
    done = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    done = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", "--no-pager", str(unit)],
        capture_output=True, text=True, timeout=60,
    )
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", done.stdout + done.stderr)
    assert match is not None and float(match.group(1)) <= MAX_EXPOSURE, done.stdout
    settings: dict[str, list[str]] = {}
    for line in drop_in.splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            settings.setdefault(key, []).append(value)
    assert settings["RestrictRealtime"] == ["no"] and settings["LimitRTPRIO"] == ["60"]
    assert "CapabilityBoundingSet" not in settings and "AmbientCapabilities" not in settings
    # the guard's mlockall fits under the locked-memory limit (the default 8 MB does not)
    assert settings["LimitMEMLOCK"] == ["256M"]
    # the guard's and the safety thread's priorities fit under the limit
    assert max(GUARD_FIFO, SAFETY_FIFO) <= int(settings["LimitRTPRIO"][0])


def test_robot_tty_thread_unit_keeps_only_what_it_uses() -> None:
    """kiosk-rt.service runs as root for the kernel's threads, with the two capabilities
    it uses, real-time scheduling allowed and no network address; the robot's drop-in
    pulls it in before the kiosk, and install.sh --robot installs and starts it."""
    unit = _settings("kiosk-rt.service")
    assert "User" not in unit  # kernel threads are root's
    assert set(unit["CapabilityBoundingSet"][0].split()) == {"CAP_SYS_NICE", "CAP_NET_ADMIN"}
    assert unit["RestrictRealtime"] == ["no"] and unit["NoNewPrivileges"] == ["yes"]
    assert set(unit["RestrictAddressFamilies"][0].split()) == {"AF_UNIX", "AF_NETLINK"}
    assert unit["IPAddressDeny"] == ["any"] and "PrivateNetwork" not in unit
    assert "~@resources" not in " ".join(unit["SystemCallFilter"])  # sched_setscheduler
    assert unit["Type"] == ["notify"] and unit["RestartPreventExitStatus"] == ["2"]
    assert unit["ExecStart"] == [f"/opt/kiosk/.venv/bin/kiosk rt-tune --priority {KWORKER_FIFO}"]
    # the threads deliver the bytes the stop guard waits for: above the safety thread,
    # below the guard (which is blocked waiting for them, never competing with them)
    assert SAFETY_FIFO < KWORKER_FIFO < GUARD_FIFO
    drop_in = _settings("kiosk-robot.conf")
    assert drop_in["Wants"] == ["kiosk-rt.service"] and drop_in["After"] == ["kiosk-rt.service"]
    install = (UNITS / "install.sh").read_text(encoding="utf-8")
    assert "systemd/kiosk-rt.service /etc/systemd/system/" in install
    assert "systemctl enable --now kiosk-rt" in install
