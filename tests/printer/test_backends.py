"""The real backends against real transports: a file, a pseudo-terminal, a TCP socket, pyusb.

Where a printer must answer, the far end is the simulator's mechanism
(:class:`SimPrinterDevice`) speaking ESC/POS over that transport.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from escpos.exceptions import DeviceNotFoundError

from drivers.printer import Cut, PrinterOffline, PrintJob, Text, open_printer
from drivers.printer.encoder import encode_job
from drivers.printer.sim import SimPrinter
from drivers.printer.sim_device import SimPrinterDevice
from kiosk.tickets.render import build_print_job

from .ticket_views import make_view


def _job() -> PrintJob:
    return build_print_job(make_view(), 576, slow_link=False)


def test_file_backend_writes_the_same_bytes_as_sim(tmp_path: Path) -> None:
    target = tmp_path / "tickets.bin"
    printer = open_printer(f"file://{target}")
    sim = open_printer("sim://")
    assert isinstance(sim, SimPrinter)
    job = _job()
    printer.print_job(job)
    sim.print_job(job)
    printer.close()
    assert target.read_bytes() == sim.printed[-1].data
    assert target.read_bytes() == encode_job(job, profile=None, width_px=576)


def test_file_backend_appends_and_reports_unknown_paper(tmp_path: Path) -> None:
    target = tmp_path / "tickets.bin"
    first = open_printer(f"file://{target}")
    first.print_job(PrintJob((Text("A1"), Cut())))
    first.close()
    second = open_printer(f"file://{target}")  # a restart must not wipe the log
    second.print_job(PrintJob((Text("A2"), Cut())))
    second.close()
    assert target.read_bytes().count(b"\x1b@") == 2
    status = second.status()
    assert status.online and status.paper.value == "unknown"


def test_file_backend_unwritable_path_is_offline(tmp_path: Path) -> None:
    printer = open_printer(f"file://{tmp_path}/missing-dir/tickets.bin")
    assert printer.status().online is False
    with pytest.raises(PrinterOffline) as caught:
        printer.print_job(PrintJob((Text("A1"), Cut())))
    assert isinstance(caught.value.__cause__, OSError)


def test_spy_logs_traffic_in_hex(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    printer = open_printer(f"file://{tmp_path}/t.bin?spy=1")
    with caplog.at_level(logging.DEBUG, logger="drivers.printer.spy"):
        printer.print_job(PrintJob((Text("A1"), Cut())))
    assert any(
        "1b 40" in record.getMessage()
        for record in caplog.records
        if record.name == "drivers.printer.spy"
    )


# -- serial over a pseudo-terminal ---------------------------------------------------------


@pytest.fixture
def pty_pair() -> Iterator[tuple[int, str]]:
    master, slave = os.openpty()
    name = os.ttyname(slave)
    try:
        yield master, name
    finally:
        os.close(master)
        os.close(slave)


def _serve_pty(master: int, device: SimPrinterDevice, stop: threading.Event) -> None:
    import select

    while not stop.is_set():
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            answers = device.feed(os.read(master, 65536))
            if answers:
                os.write(master, answers)


def test_serial_backend_bytes_arrive_on_the_other_end(pty_pair: tuple[int, str]) -> None:
    master, name = pty_pair
    device = SimPrinterDevice()
    stop = threading.Event()
    server = threading.Thread(target=_serve_pty, args=(master, device, stop), daemon=True)
    server.start()
    printer = open_printer(f"serial://{name}?baud=115200", timeout_s=2.0)
    try:
        assert printer.slow_link
        assert printer.status().online  # DLE EOT answered by the simulated mechanism
        job = build_print_job(make_view(), printer.width_px, slow_link=printer.slow_link)
        printer.print_job(job)
    finally:
        printer.close()
        stop.set()
        server.join(timeout=5)
    assert [t.data for t in device.printed] == [encode_job(job, profile=None, width_px=576)]
    assert device.printed[0].qr_codes == ["https://hcc.example.vn/t/8f3a2c1d"]


def test_serial_write_to_a_pty_nobody_reads_times_out(pty_pair: tuple[int, str]) -> None:
    _, name = pty_pair
    printer = open_printer(f"serial://{name}?baud=115200", timeout_s=0.2)
    assert printer.status().online is False  # nobody answers DLE EOT
    with pytest.raises(PrinterOffline) as caught:
        printer.print_job(_job())  # tens of KB: more than the pty buffer holds
    assert "write failed after" in str(caught.value)
    assert caught.value.__cause__ is not None
    printer.close()


# -- TCP -----------------------------------------------------------------------------------


class _TcpPrinter:
    """A local TCP server: the simulated mechanism, or (answer=False) a silent sink."""

    def __init__(self, *, answer: bool) -> None:
        self.device = SimPrinterDevice()
        self.received = bytearray()
        self.answer = answer
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(5)
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(5)
            while True:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    return
                if not chunk:
                    return
                self.received += chunk
                answers = self.device.feed(chunk)
                if self.answer and answers:
                    conn.sendall(answers)

    def close(self) -> None:
        self.listener.close()
        self.thread.join(timeout=6)


@pytest.fixture
def tcp_factory() -> Iterator[Any]:
    servers: list[_TcpPrinter] = []

    def make(*, answer: bool) -> _TcpPrinter:
        servers.append(_TcpPrinter(answer=answer))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


def test_tcp_backend_prints_to_a_socket_server(tcp_factory: Any) -> None:
    server = tcp_factory(answer=True)
    printer = open_printer(f"tcp://127.0.0.1:{server.port}", timeout_s=2.0)
    job = _job()
    assert printer.status().online
    printer.print_job(job)
    printer.close()
    server.thread.join(timeout=5)
    assert [t.data for t in server.device.printed] == [encode_job(job, profile=None, width_px=576)]


def test_tcp_server_that_never_answers_is_not_online(tcp_factory: Any) -> None:
    server = tcp_factory(answer=False)
    printer = open_printer(f"tcp://127.0.0.1:{server.port}", timeout_s=0.3)
    status = printer.status()
    assert status.online is False
    assert status.paper.value == "unknown"  # never "paper OK" without an answer
    with pytest.raises(PrinterOffline, match="may not have printed"):
        printer.print_job(PrintJob((Text("A1"), Cut())))
    printer.close()


def test_tcp_nobody_listening_is_offline() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    printer = open_printer(f"tcp://127.0.0.1:{port}", timeout_s=0.5)
    with pytest.raises(PrinterOffline, match=f"(?s)127.0.0.1:{port}.*Connection refused") as caught:
        printer.print_job(PrintJob((Text("A1"), Cut())))
    # python-escpos' own error, converted at the boundary with its cause kept
    assert isinstance(caught.value.__cause__, DeviceNotFoundError)


# -- USB: pyusb's device lookup replaced (a vendor library), python-escpos's Usb real ---------


class _FakeUsbDevice:
    """Stands in for a pyusb Device: records writes and answers through the sim mechanism."""

    class _Backend:
        pass

    def __init__(self, *, fail_writes: bool = False) -> None:
        self.backend = self._Backend()
        self.mechanism = SimPrinterDevice()
        self.writes: list[tuple[int, int]] = []  # (endpoint, timeout)
        self.reads: list[tuple[int, int]] = []
        self.fail_writes = fail_writes
        self._answers = b""

    def set_configuration(self) -> None:
        pass

    def reset(self) -> None:
        pass

    def write(self, endpoint: int, data: bytes, timeout: int | None = None) -> int:
        import usb.core

        self.writes.append((endpoint, timeout if timeout is not None else -1))
        if self.fail_writes:
            raise usb.core.USBTimeoutError("Operation timed out", errno=110)
        self._answers += self.mechanism.feed(bytes(data))
        return len(data)

    def read(self, endpoint: int, size: int, timeout: int | None = None) -> bytes:
        import usb.core

        self.reads.append((endpoint, timeout if timeout is not None else -1))
        if not self._answers:
            raise usb.core.USBTimeoutError("Operation timed out", errno=110)
        answer, self._answers = self._answers[:size], self._answers[size:]
        return answer


def _patch_usb(monkeypatch: pytest.MonkeyPatch, device: _FakeUsbDevice) -> list[dict[str, Any]]:
    import usb.core
    import usb.util

    lookups: list[dict[str, Any]] = []

    def find(**kwargs: Any) -> _FakeUsbDevice:
        lookups.append(kwargs)
        return device

    monkeypatch.setattr(usb.core, "find", find)
    monkeypatch.setattr(usb.util, "dispose_resources", lambda _device: None)
    return lookups


def test_usb_backend_passes_a_finite_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("usb")
    device = _FakeUsbDevice()
    lookups = _patch_usb(monkeypatch, device)
    printer = open_printer("usb://04b8:0e15?profile=TM-T88V&out_ep=0x02", timeout_s=0.5)
    assert printer.status().online
    printer.print_job(build_print_job(make_view(), printer.width_px, slow_link=False))
    printer.close()
    assert lookups == [{"idVendor": 0x04B8, "idProduct": 0x0E15}]
    assert device.writes and all(write == (0x02, 500) for write in device.writes)
    assert device.reads and all(read == (0x82, 500) for read in device.reads)
    assert len(device.mechanism.printed) == 1
    assert device.mechanism.printed[0].raster is not None
    assert device.mechanism.printed[0].raster.width == 512


def test_usb_write_timeout_becomes_printer_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    usb_core = pytest.importorskip("usb.core")
    device = _FakeUsbDevice(fail_writes=True)
    _patch_usb(monkeypatch, device)
    printer = open_printer("usb://04b8:0e15", timeout_s=0.5)
    with pytest.raises(PrinterOffline) as caught:
        printer.print_job(PrintJob((Text("A1"), Cut())))
    assert isinstance(caught.value.__cause__, usb_core.USBTimeoutError)
