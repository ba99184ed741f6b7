"""RoboClaw packet serial framing (Basicmicro user manual, "Packet Serial").

A write is ``[address][command][data...][CRC16 hi][CRC16 lo]`` with big-endian data and
is acknowledged with one 0xFF byte. A read is ``[address][command]`` alone, with no CRC,
and is answered ``[data...][CRC16]`` where the CRC covers the address and command sent
plus the data received (the manual's framing, and exactly what the vendor's ``basicmicro``
library sends; two extra CRC bytes after a read would start a new packet on a real
controller). The CRC is CRC-16/XMODEM (polynomial 0x1021, initial value 0), which is
``binascii.crc_hqx(data, 0)``. A bad packet is not answered, and a gap of more than 10 ms
between bytes makes the controller drop a partial packet, so after any failure the host
waits >10 ms and flushes its input before the next request.

Only the commands the kiosk needs are described here, each with whether it is safe to
repeat: a velocity command or a read can be sent again after a lost reply, a buffered
distance command cannot (it would queue the distance twice).

Status bits (command 90, 4 bytes) as the RoboClaw manual lists them; S3 is wired as the
emergency stop and S4/S5 as front/rear bumpers configured as "safe stop" inputs.
"""

from __future__ import annotations

import binascii
import struct
from dataclasses import dataclass

ACK = 0xFF
#: a gap longer than this between bytes resynchronises the controller's parser
RESYNC_GAP_S = 0.010

STATUS_ESTOP = 0x000001
STATUS_M1_OVERCURRENT_WARN = 0x010000
STATUS_M2_OVERCURRENT_WARN = 0x020000
STATUS_MAIN_LOW_WARN = 0x080000
STATUS_S4 = 0x400000
STATUS_S5 = 0x800000


@dataclass(frozen=True)
class Command:
    """One packet-serial command: its number, request data size and reply size."""

    code: int
    name: str
    #: bytes of data after address and command (before the CRC)
    request_len: int
    #: bytes of data in the reply before its CRC; None for a write answered by 0xFF
    reply_len: int | None
    #: True when sending it twice does no harm (velocity, reads)
    idempotent: bool

    @property
    def is_read(self) -> bool:
        """A read: sent as address and command alone, answered with data and a CRC."""
        return self.reply_len is not None

    @property
    def packet_len(self) -> int:
        """Bytes of the request on the wire."""
        return 2 if self.is_read else 2 + self.request_len + 2


SET_SERIAL_TIMEOUT = Command(14, "set-serial-timeout", 1, None, True)
GET_SERIAL_TIMEOUT = Command(15, "get-serial-timeout", 0, 1, True)
RESET_ENCODERS = Command(20, "reset-encoders", 0, None, True)
READ_MAIN_BATTERY = Command(24, "read-main-battery", 0, 2, True)
MIXED_SPEED = Command(37, "mixed-speed", 8, None, True)
MIXED_SPEED_DISTANCE = Command(43, "mixed-speed-distance", 17, None, False)
READ_ENCODERS = Command(78, "read-encoders", 0, 8, True)
READ_STATUS = Command(90, "read-status", 0, 4, True)
RESET_ESTOP = Command(200, "reset-estop", 0, None, True)

COMMANDS: dict[int, Command] = {
    c.code: c
    for c in (
        SET_SERIAL_TIMEOUT,
        GET_SERIAL_TIMEOUT,
        RESET_ENCODERS,
        READ_MAIN_BATTERY,
        MIXED_SPEED,
        MIXED_SPEED_DISTANCE,
        READ_ENCODERS,
        READ_STATUS,
        RESET_ESTOP,
    )
}


def crc16(data: bytes) -> int:
    """CRC-16 of ``data`` as the controller computes it (poly 0x1021, init 0)."""
    return binascii.crc_hqx(data, 0)


def frame(address: int, command: Command, data: bytes = b"") -> bytes:
    """Build a request packet: a write with its CRC, a read as address and command alone."""
    if len(data) != command.request_len:
        raise ValueError(f"{command.name} takes {command.request_len} data bytes, got {len(data)}")
    body = bytes((address, command.code)) + data
    if command.is_read:
        return body
    return body + crc16(body).to_bytes(2, "big")


def reply_crc_ok(address: int, command: Command, reply: bytes) -> bool:
    """True when ``reply`` (data + CRC) carries the CRC of address, command and data."""
    data, crc = reply[:-2], reply[-2:]
    return crc16(bytes((address, command.code)) + data) == int.from_bytes(crc, "big")


def read_reply(address: int, command: Command, data: bytes) -> bytes:
    """Build the controller's answer to a read: data followed by its CRC (simulator side)."""
    return data + crc16(bytes((address, command.code)) + data).to_bytes(2, "big")


def pack_mixed_speed(left_qpps: int, right_qpps: int) -> bytes:
    """Data of command 37: M1 then M2 speed, signed counts per second."""
    return struct.pack(">ii", left_qpps, right_qpps)


def pack_mixed_speed_distance(
    left_qpps: int, left_counts: int, right_qpps: int, right_counts: int, *, queue: bool
) -> bytes:
    """Data of command 43; ``queue`` False replaces what is buffered (flag 1), True appends."""
    return struct.pack(
        ">iIiIB", left_qpps, left_counts, right_qpps, right_counts, 0 if queue else 1
    )
