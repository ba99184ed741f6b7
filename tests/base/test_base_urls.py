"""The base's URL: pyserial's URL handlers work (a controller behind ser2net, pyserial's
spy, the loopback), and an option the base does not take is refused, by the driver and by
`kiosk check-config` alike."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.base import BaseError, MonotonicClock, open_base
from drivers.base.sim import SimController
from drivers.base.sim_pty import SimPtyServer
from drivers.errors import DeviceURLError
from kiosk.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[2]


class Ser2Net:
    """A TCP server in front of a simulated RoboClaw, as ser2net puts one on the network."""

    def __init__(self) -> None:
        self.controller = SimController(MonotonicClock(), battery_v=24.0)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        with conn:
            while data := conn.recv(4096):
                reply = self.controller.receive(data, time.monotonic())
                if reply:
                    conn.sendall(reply)

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def ser2net() -> Iterator[Ser2Net]:
    server = Ser2Net()
    yield server
    server.close()


def test_a_controller_behind_ser2net_is_driven_over_socket_url(ser2net: Ser2Net) -> None:
    base = open_base(f"socket://127.0.0.1:{ser2net.port}?timeout=1.0&reply_timeout=0.2")
    try:
        assert base.serial_timeout_s == pytest.approx(1.0)
        state = base.read_state(battery=True)
        assert state.battery_v == pytest.approx(24.0, abs=0.2)
    finally:
        base.close()


def test_pyserial_spy_logs_the_exchange_to_its_file(tmp_path: Path) -> None:
    server = SimPtyServer(SimController(MonotonicClock()))
    log = tmp_path / "spy.txt"
    try:
        base = open_base(f"spy://{server.path}?file={log}&reply_timeout=0.2")
        base.read_state()
        base.close()
    finally:
        server.close()
    text = log.read_text(encoding="utf-8")
    assert "TX" in text and "RX" in text  # pyserial's own hex dump of both directions


def test_the_loopback_opens_but_is_no_controller() -> None:
    with pytest.raises(BaseError) as caught:
        open_base("loop://?reply_timeout=0.01&retries=0")
    assert not isinstance(caught.value, DeviceURLError)  # the port opened: no controller


@pytest.mark.parametrize(
    "url, wrong",
    [
        ("sim://?timout=3", "timout"),
        ("serial:///dev/ttyUSB0?baud=115200&adress=129", "adress"),
        ("socket://127.0.0.1:4000?file=x", "file"),  # spy's option, not socket's
    ],
)
def test_an_option_the_base_does_not_take_is_refused(url: str, wrong: str) -> None:
    with pytest.raises(DeviceURLError, match=f"unknown option.*{wrong}.*takes.*timeout"):
        open_base(url)


@pytest.mark.parametrize(
    "key, url, wrong",
    [
        ("devices.base", "sim://?timout=3", "timout"),
        ("devices.printer", "usb://04b8:0e15?prfile=TM-T20II", "prfile"),
        ("devices.camera", "sim://?widht=640", "widht"),
        ("devices.audio_in", "alsa://default?realtime=1", "realtime"),
        ("devices.audio_out", "pygame://?speed=2", "speed"),
    ],
)
def test_check_config_refuses_what_the_driver_refuses(key: str, url: str, wrong: str) -> None:
    with pytest.raises(ConfigError, match=wrong):
        load_config(ROOT / "config" / "kiosk.sim.toml", overrides={key: url})
