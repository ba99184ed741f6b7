"""`kiosk doctor` on simulated devices and a real central over loopback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from kiosk_testkit import KIOSK_SIM, ROOT

from drivers.kworkers import Tuner, is_raised, kernel_threads
from kiosk.config import load_config
from kiosk.doctor import Finding, Verdict, check
from kiosk.embedded_central import EmbeddedCentral


def _config(tmp_path: Path, central: EmbeddedCentral, **overrides: object):  # type: ignore[no-untyped-def]
    return load_config(
        KIOSK_SIM,
        overrides={
            "central.url": central.url,
            "kiosk.state_dir": str(tmp_path / "kiosk"),
            **overrides,
        },
    )


def test_a_healthy_sim_kiosk(tmp_path: Path, loopback_central: EmbeddedCentral) -> None:
    findings = {f.part: f for f in check(_config(tmp_path, loopback_central))}
    assert {p: f.verdict for p, f in findings.items() if f.verdict is not Verdict.OK} == {}
    assert "9 services" in findings["central"].found
    assert "online, paper ok, 576 dots wide" in findings["printer"].found
    assert "serial timeout set, battery 25.2 V" in findings["base"].found
    assert "every one of central's 12 counters" in findings["lobby map"].found


def test_what_to_fix_is_named(tmp_path: Path, loopback_central: EmbeddedCentral) -> None:
    findings = {
        f.part: f
        for f in check(
            _config(
                tmp_path,
                loopback_central,
                **{
                    "central.token": "not-this-kiosks-token",
                    "devices.printer": "sim://?paper=out",
                    "devices.camera": f"dir://{tmp_path}/nothing-here",
                    "devices.base": "sim://?battery=21.0",
                },
            )
        )
    }
    assert findings["central"].verdict is Verdict.FAIL
    assert "401" in findings["central"].found and "token" in findings["central"].fix
    assert findings["printer"].verdict is Verdict.FAIL
    assert findings["printer"].fix == "put in a new roll"
    assert findings["camera"].verdict is Verdict.WARN and "not a folder" in findings["camera"].found
    assert findings["base"].verdict is Verdict.WARN and "charger" in findings["base"].fix


def test_doctor_command_exit_codes(tmp_path: Path, loopback_central: EmbeddedCentral) -> None:
    config = (ROOT / "config" / "kiosk.sim.toml").read_text(encoding="utf-8")
    config = config.replace('url = "http://127.0.0.1:8700"', f'url = "{loopback_central.url}"')
    config = re.sub(r"(?m)^state_dir = .*$", f'state_dir = "{tmp_path / "state"}"', config)
    good = tmp_path / "kiosk.toml"
    good.write_text(config, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "doctor", "--config", str(good)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("\n") >= 7 and "FAIL" not in result.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text(
        config.replace('printer = "sim://"', 'printer = "sim://?cover=open"'), encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "doctor", "--config", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert "FAIL printer: sim://?cover=open: cover open; fix: close the cover" in result.stdout


def test_doctor_reports_the_face_models_and_the_camera(
    tmp_path: Path, loopback_central: EmbeddedCentral
) -> None:
    on = {"faces.enabled": True, "devices.camera": "sim://?width=1280&height=720"}
    findings = {f.part: f for f in check(_config(tmp_path, loopback_central, **on))}
    faces = findings["faces"]
    assert faces.verdict is Verdict.OK, faces.line()
    assert "landmarks_5 shape_predictor_5_face_landmarks.dat" in faces.found
    assert "shape_predictor_68" not in faces.found  # the non-commercial model: never loaded
    assert "a 1280x720 frame" in findings["camera"].found
    blind = check(
        _config(tmp_path, loopback_central, **{"faces.enabled": True, "devices.camera": "none://"})
    )
    faces = {f.part: f for f in blind}["faces"]
    assert faces.verdict is Verdict.WARN and "face button is hidden" in faces.fix
    assert {f.part: f for f in check(_config(tmp_path, loopback_central))}["faces"].found == "off"


def test_a_usb_printer_without_a_libusb_backend_is_one_line(
    tmp_path: Path, loopback_central: EmbeddedCentral, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the machine has no libusb: pyusb raises NoBackendError from usb.core.find (patched
    # here, the vendor library of the thin usb:// adapter)
    import usb.core

    def no_backend(*_: object, **__: object) -> None:
        raise usb.core.NoBackendError("No backend available")

    monkeypatch.setattr(usb.core, "find", no_backend)
    findings = {
        f.part: f
        for f in check(
            _config(
                tmp_path, loopback_central, **{"devices.printer": "usb://04b8:0e15?profile=TM-T88V"}
            )
        )
    }
    printer = findings["printer"]
    assert printer.verdict is Verdict.FAIL
    assert "no USB backend" in printer.found and "libusb-1.0-0" in printer.found


def test_the_example_config_ends_without_a_traceback() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk.cli",
            "doctor",
            "--config",
            str(ROOT / "config" / "kiosk.example.toml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={
            "PYTHONPATH": str(ROOT),
            "SDL_VIDEODRIVER": "dummy",
            "SDL_AUDIODRIVER": "dummy",
            "PATH": "/usr/bin:/bin",
        },
    )
    assert "Traceback" not in done.stdout + done.stderr, done.stderr[-2000:]
    lines = [
        line for line in done.stdout.splitlines() if line[:4].strip() in ("ok", "warn", "FAIL")
    ]
    assert {"printer", "microphone", "lobby map"} <= {line[5:].split(":")[0] for line in lines}


@pytest.mark.usefixtures("own_kworkers")  # raises the machine's kworkers: see test_rt_tune
@pytest.mark.skipif(os.geteuid() != 0, reason="changing kernel threads' priority needs root")
def test_a_serial_robot_needs_the_kernels_tty_threads_raised(
    tmp_path: Path, loopback_central: EmbeddedCentral
) -> None:
    if any(is_raised(pid, 55) for pid, _name in kernel_threads()):
        pytest.skip("this machine's kworkers are already raised (kiosk rt-tune running?)")
    robot = _config(tmp_path, loopback_central, **{"devices.base": "serial:///dev/no-such-base"})

    def tty_threads() -> Finding:
        return {f.part: f for f in check(robot)}["tty threads"]

    finding = tty_threads()
    assert finding.verdict is Verdict.WARN, finding.line()
    assert "below SCHED_FIFO 55" in finding.found and "kiosk-rt" in finding.fix
    tuner = Tuner()
    try:
        for _ in range(3):  # a worker the kernel starts meanwhile comes at normal priority
            tuner.scan()
            finding = tty_threads()
            if finding.verdict is Verdict.OK:
                break
        assert finding.verdict is Verdict.OK and "at SCHED_FIFO 55" in finding.found
    finally:
        tuner.restore()
    simulated = {f.part: f for f in check(_config(tmp_path, loopback_central))}["tty threads"]
    assert simulated.verdict is Verdict.OK and simulated.found.startswith("not used")
