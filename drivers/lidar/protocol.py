"""The Slamtec RPLIDAR serial protocol (A1/A2 standard scan), both directions.

Requests are ``A5 cmd`` or, for commands with bit 7 set, ``A5 cmd size payload checksum``
(the checksum XORs every byte before it). Answers start with a 7-byte descriptor
``A5 5A`` + 30-bit length + 2-bit send mode (0 single, 1 multiple) + data type. A standard
scan (``A5 20``) then streams 5-byte nodes for as long as the sensor scans::

    byte 0  quality << 2 | !S << 1 | S        (S: first node of a new revolution)
    byte 1  angle_q6[6:0] << 1 | 1            (C, the check bit, is always 1)
    byte 2  angle_q6[14:7]                    (angle in degrees = angle_q6 / 64)
    byte 3  distance_q2[7:0]                  (distance in mm = distance_q2 / 4,
    byte 4  distance_q2[15:8]                  0 when the sample is invalid)

:class:`NodeParser` takes bytes as they come and yields nodes; a node whose S/!S or C
bits do not check is skipped one byte at a time, so a dropped or flipped byte on the
line costs a few samples, not the stream (the vendor libraries raise and give up there).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

SYNC = 0xA5
SYNC2 = 0x5A
CMD_STOP = 0x25
CMD_RESET = 0x40
CMD_SCAN = 0x20
CMD_FORCE_SCAN = 0x21
CMD_GET_INFO = 0x50
CMD_GET_HEALTH = 0x52
CMD_SET_PWM = 0xF0
CMD_EXPRESS_SCAN = 0x82

DESCRIPTOR_LEN = 7
NODE_LEN = 5
INFO_LEN = 20
HEALTH_LEN = 3
TYPE_INFO = 4
TYPE_HEALTH = 6
TYPE_SCAN = 0x81
MODE_SINGLE = 0
MODE_MULTIPLE = 1
HEALTH_GOOD, HEALTH_WARNING, HEALTH_ERROR = 0, 1, 2
#: the A2's default motor PWM (A1s spin from the DTR line instead)
DEFAULT_PWM = 660


def request(command: int, payload: bytes = b"") -> bytes:
    """A request as the host sends it (payload only for commands with bit 7 set)."""
    if not command & 0x80:
        return bytes((SYNC, command))
    body = bytes((SYNC, command, len(payload))) + payload
    checksum = 0
    for byte in body:
        checksum ^= byte
    return body + bytes((checksum,))


def descriptor(length: int, mode: int, data_type: int) -> bytes:
    """The 7-byte response descriptor."""
    return (
        bytes((SYNC, SYNC2))
        + struct.pack("<I", (length & 0x3FFFFFFF) | (mode << 30))
        + bytes((data_type,))
    )


@dataclass(frozen=True)
class Descriptor:
    """A parsed response descriptor."""

    length: int
    mode: int
    data_type: int


def parse_descriptor(raw: bytes) -> Descriptor | None:
    """The descriptor in ``raw`` (7 bytes), or None when it does not start with A5 5A."""
    if len(raw) != DESCRIPTOR_LEN or raw[0] != SYNC or raw[1] != SYNC2:
        return None
    word = struct.unpack("<I", raw[2:6])[0]
    return Descriptor(length=word & 0x3FFFFFFF, mode=word >> 30, data_type=raw[6])


def encode_node(angle_deg: float, distance_mm: float, quality: int, new_scan: bool) -> bytes:
    """One standard-scan node (angle in [0, 360), distance 0 for no echo)."""
    angle_q6 = round((angle_deg % 360.0) * 64) & 0x7FFF
    distance_q2 = max(0, min(0xFFFF, round(distance_mm * 4)))
    start = 1 if new_scan else 0
    return bytes(
        (
            (min(quality, 63) << 2) | ((1 - start) << 1) | start,
            ((angle_q6 & 0x7F) << 1) | 1,
            angle_q6 >> 7,
            distance_q2 & 0xFF,
            distance_q2 >> 8,
        )
    )


@dataclass(frozen=True)
class Node:
    """One sample: angle clockwise from the sensor's front, degrees; distance, mm."""

    new_scan: bool
    quality: int
    angle_deg: float
    distance_mm: float


def decode_node(raw: bytes | bytearray | memoryview, offset: int = 0) -> Node | None:
    """The node at ``offset``, or None when its check bits are wrong."""
    b0, b1 = raw[offset], raw[offset + 1]
    start, inverse = b0 & 1, (b0 >> 1) & 1
    if start == inverse or not b1 & 1:
        return None
    angle_q6 = (b1 >> 1) | (raw[offset + 2] << 7)
    if angle_q6 >= 360 * 64:
        return None
    distance_q2 = raw[offset + 3] | (raw[offset + 4] << 8)
    return Node(bool(start), b0 >> 2, angle_q6 / 64.0, distance_q2 / 4.0)


class NodeParser:
    """Incremental standard-scan parser with byte-wise resynchronisation."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        #: bytes skipped to find the node boundary again
        self.skipped = 0

    def feed(self, data: bytes) -> Iterator[Node]:
        """Add received bytes; yield every whole node they complete."""
        self._buffer += data
        buffer = self._buffer
        index = 0
        end = len(buffer) - NODE_LEN
        while index <= end:
            node = decode_node(buffer, index)
            if node is None:
                index += 1
                self.skipped += 1
                continue
            index += NODE_LEN
            yield node
        del buffer[:index]

    def clear(self) -> None:
        """Forget a partial node (after a stop or a reconnect)."""
        self._buffer.clear()


class RequestParser:
    """The sensor's side: split the host's bytes into (command, payload) requests.

    Bytes before a sync byte are dropped; a payload request with a wrong checksum is
    dropped, as the sensor does.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self.dropped = 0

    def feed(self, data: bytes) -> list[tuple[int, bytes]]:
        """Add received bytes; return the whole requests they complete."""
        self._buffer += data
        buffer = self._buffer
        out: list[tuple[int, bytes]] = []
        while buffer:
            if buffer[0] != SYNC:
                del buffer[0]
                self.dropped += 1
                continue
            if len(buffer) < 2:
                break
            command = buffer[1]
            if not command & 0x80:
                out.append((command, b""))
                del buffer[:2]
                continue
            if len(buffer) < 3 or len(buffer) < 4 + buffer[2]:
                break
            size = buffer[2]
            packet = bytes(buffer[: 4 + size])
            checksum = 0
            for byte in packet[:-1]:
                checksum ^= byte
            if checksum == packet[-1]:
                out.append((command, packet[3:-1]))
                del buffer[: 4 + size]
            else:
                self.dropped += 1
                del buffer[0]
        return out
