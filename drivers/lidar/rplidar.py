"""Slamtec RPLIDAR A1/A2 over a serial port (pyserial), standard scan mode.

Why our own framing rather than a PyPI library: the Python RPLIDAR libraries
(``rplidar``/``rplidar-roboticia``, last released 2017; ``pyrplidar``, 2019; Adafruit's
``adafruit-circuitpython-rplidar``, maintained but pulling in Adafruit-Blinka and its
board-detection stack) read with blocking waits (``while inWaiting() < n: sleep``), raise
on the first misaligned node and give up the stream, and neither reconnect after a pulled
cable nor hand samples over before a revolution is complete. The robot's protective
field needs all four: a bounded time from a sample to its listener, resynchronisation
after line noise, and a sensor that comes back by itself under its udev name. The
framing is small (:mod:`drivers.lidar.protocol`); ``rplidar-roboticia`` stays in the dev
extra as the test oracle against our simulator (tests/lidar/test_lidar_vendor_oracle.py).

A reader thread owns the port (at ``SCHED_FIFO`` priority when allowed: it is the thread
that sends a protective stop): it opens it, stops a sensor left scanning by a killed
process (STOP, then drains what was in flight), checks health (RESET once on a hardware
error), reads the device info, starts the motor (DTR low for an A1, PWM for an A2) and a
standard scan, then hands every batch of nodes to the listeners as it is read. Silence
for ``silent_s`` or a vanished port closes the port and starts over every ``retry_s``.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import serial

from drivers.base.clock import Clock
from drivers.lidar import protocol as p
from drivers.lidar.base import Lidar, LidarError, ScanBatch
from drivers.lidar.fields import robot_frame
from drivers.realtime import raise_priority

_LOGGER = logging.getLogger(__name__)

#: how long a stopped sensor may still send bytes that were in flight, seconds
DRAIN_QUIET_S = 0.02


class RPLidar(Lidar):
    """An RPLIDAR A1/A2 on ``port`` (a device path or a pyserial URL)."""

    def __init__(
        self,
        port: str,
        *,
        clock: Clock,
        baud: int = 115200,
        mount_yaw_rad: float = 0.0,
        min_quality: int = 0,
        max_range_m: float = 12.0,
        pwm: int = p.DEFAULT_PWM,
        reply_timeout_s: float = 0.5,
        silent_s: float = 1.0,
        retry_s: float = 0.5,
        spy: bool = False,
        realtime: bool = True,
    ) -> None:
        super().__init__(clock)
        self.port_name = port
        self.baud = baud
        self.mount_yaw_rad = mount_yaw_rad
        self.min_quality = min_quality
        self.max_range_m = max_range_m
        self.pwm = pwm
        self.reply_timeout_s = reply_timeout_s
        self.silent_s = silent_s
        self.retry_s = retry_s
        self.spy = spy
        self.realtime = realtime
        #: the reader thread's scheduling ("SCHED_FIFO 50", "normal")
        self.priority = "not started"
        #: model, firmware, hardware and serial number from GET_INFO
        self.info: dict[str, Any] = {}
        #: (status, error code) from GET_HEALTH
        self.sensor_health: tuple[int, int] | None = None
        self.bytes_in = 0
        #: bytes read and handed to the listeners (or used by the handshake)
        self.bytes_delivered = 0
        self._connected = False
        self._port: Any = None
        self._parser = p.NodeParser()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lidar-reader", daemon=True)

    def start(self) -> None:
        """Start the reader thread (the sensor is opened and started there)."""
        self._thread.start()

    @property
    def connected(self) -> bool:
        """True while a scan is streaming."""
        return self._connected

    # --- the reader thread ----------------------------------------------------------

    def _run(self) -> None:
        self.priority = raise_priority(50) if self.realtime else "normal"
        first = True
        while not self._stopping.is_set():
            try:
                self._port = self._open()
                self._handshake(self._port)
                if not first:
                    self.stats.reconnects += 1
                    _LOGGER.warning("lidar %s streaming again", self.port_name)
                first = False
                self._last_batch_at = self.clock.now()  # silence counts from the start
                self._connected = True
                self._stream(self._port)
            except LidarError as exc:
                if self._connected:
                    self.stats.disconnects += 1
                if self.stats.last_error != exc.code.value:
                    _LOGGER.error("lidar %s: %s (%s)", self.port_name, exc, exc.code.value)
                self.stats.last_error = exc.code.value
            finally:
                self._connected = False
                self._close_port()
            self._stopping.wait(self.retry_s)

    def _open(self) -> Any:
        try:
            port = serial.serial_for_url(self.port_name, self.baud, timeout=0.01,
                                         write_timeout=0.2)  # fmt: skip
        except (serial.SerialException, OSError, ValueError) as exc:
            raise LidarError(f"cannot open {self.port_name}: {exc}", code="lidar-port") from exc
        self._parser.clear()
        return port

    def _write(self, port: Any, data: bytes) -> None:
        if self.spy:
            _LOGGER.info("lidar -> %s", data.hex(" "))
        try:
            port.write(data)
        except (serial.SerialException, OSError) as exc:
            raise LidarError(f"write failed: {exc}", code="lidar-port") from exc

    def _read(self, port: Any, size: int) -> bytes:
        try:
            data: bytes = port.read(size)
        except (serial.SerialException, OSError, TypeError) as exc:
            # pyserial raises TypeError inside read() when the fd is closed under it
            raise LidarError(f"read failed: {exc}", code="lidar-port") from exc
        self.bytes_in += len(data)
        return data

    def _read_exact(self, port: Any, size: int) -> bytes:
        deadline = time.monotonic() + self.reply_timeout_s
        data = b""
        while len(data) < size:
            if time.monotonic() > deadline:
                raise LidarError(
                    f"{len(data)} of {size} reply bytes within {self.reply_timeout_s} s",
                    code="lidar-silent",
                )
            data += self._read(port, size - len(data))
        return data

    def _drain(self, port: Any) -> None:
        deadline = time.monotonic() + self.reply_timeout_s
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < DRAIN_QUIET_S and time.monotonic() < deadline:
            if self._read(port, 4096):
                quiet_since = time.monotonic()

    def _ask(self, port: Any, command: int, length: int, data_type: int) -> bytes:
        self._write(port, p.request(command))
        raw = self._read_exact(port, p.DESCRIPTOR_LEN)
        found = p.parse_descriptor(raw)
        if found is None or (found.length, found.data_type) != (length, data_type):
            raise LidarError(f"bad descriptor {raw.hex(' ')} for command 0x{command:02x}",
                             code="lidar-reply")  # fmt: skip
        body = self._read_exact(port, length)
        if self.spy:
            _LOGGER.info("lidar <- %s %s", raw.hex(" "), body.hex(" "))
        return body

    def _handshake(self, port: Any) -> None:
        self._write(port, p.request(p.CMD_STOP))  # a sensor left scanning stops first
        time.sleep(0.002)
        self._drain(port)
        status, code = self._health(port)
        if status == p.HEALTH_ERROR:
            _LOGGER.warning("lidar reports hardware error %d; resetting it once", code)
            self._write(port, p.request(p.CMD_RESET))
            time.sleep(0.5)
            self._drain(port)
            status, code = self._health(port)
            if status == p.HEALTH_ERROR:
                raise LidarError(f"sensor hardware error {code} after a reset", code="lidar-health")
        raw = self._ask(port, p.CMD_GET_INFO, p.INFO_LEN, p.TYPE_INFO)
        self.info = {"model": raw[0], "firmware": f"{raw[2]}.{raw[1]:02d}", "hardware": raw[3],
                     "serial": raw[4:].hex().upper()}  # fmt: skip
        try:
            port.dtr = False  # A1: DTR low runs the motor (a pty or socket has no DTR line)
        except (serial.SerialException, OSError, ValueError):
            pass
        self._write(port, p.request(p.CMD_SET_PWM, self.pwm.to_bytes(2, "little")))  # A2
        self._write(port, p.request(p.CMD_SCAN))
        raw = self._read_exact(port, p.DESCRIPTOR_LEN)
        found = p.parse_descriptor(raw)
        if found is None or (found.length, found.mode, found.data_type) != (
            p.NODE_LEN, p.MODE_MULTIPLE, p.TYPE_SCAN,
        ):  # fmt: skip
            raise LidarError(f"bad scan descriptor {raw.hex(' ')}", code="lidar-reply")
        self.bytes_delivered = self.bytes_in
        _LOGGER.info("lidar %s scanning (%s)", self.port_name, self.info)

    def _health(self, port: Any) -> tuple[int, int]:
        raw = self._ask(port, p.CMD_GET_HEALTH, p.HEALTH_LEN, p.TYPE_HEALTH)
        self.sensor_health = (raw[0], (raw[1] << 8) | raw[2])
        return self.sensor_health

    def _stream(self, port: Any) -> None:
        last_data = self.clock.now()
        while not self._stopping.is_set():
            try:
                waiting = port.in_waiting
            except (serial.SerialException, OSError) as exc:
                raise LidarError(f"port gone: {exc}", code="lidar-port") from exc
            data = self._read(port, max(1, waiting))
            now = self.clock.now()
            if not data:
                if now - last_data > self.silent_limit_s:
                    raise LidarError(f"no data for {self.silent_s} s", code="lidar-silent")
                continue
            last_data = now
            before = self._parser.skipped
            self._deliver(list(self._parser.feed(data)), now)
            self.stats.skipped_bytes += self._parser.skipped - before
            self.bytes_delivered = self.bytes_in

    @property
    def silent_limit_s(self) -> float:
        """Silence (on the lidar's clock) after which the sensor is restarted."""
        return self.silent_s

    def _deliver(self, nodes: list[p.Node], now: float) -> None:
        start = 0
        for index in range(1, len(nodes) + 1):
            if index == len(nodes) or nodes[index].new_scan:
                self._publish_nodes(nodes[start:index], now)
                start = index

    def _publish_nodes(self, nodes: list[p.Node], now: float) -> None:
        if not nodes:
            return
        angles, ranges = robot_frame(nodes, self.mount_yaw_rad, self.min_quality,
                                     self.max_range_m)  # fmt: skip
        self._publish(ScanBatch(now, angles, ranges, new_scan=nodes[0].new_scan))

    def _close_port(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except (serial.SerialException, OSError):
                pass

    def close(self) -> None:
        """Stop scanning and the motor, end the reader thread, release the port."""
        self._stopping.set()
        port = self._port
        if port is not None:
            try:
                port.write(p.request(p.CMD_STOP) + p.request(p.CMD_SET_PWM, b"\x00\x00"))
            except (serial.SerialException, OSError, TypeError):
                pass
        if self._thread.is_alive():
            self._thread.join(timeout=2.0)
        self._close_port()
