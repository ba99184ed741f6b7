"""CRC and framing against known vectors and the vendor's own implementation."""

from __future__ import annotations

import random
import struct

import pytest
from basicmicro.utils import initialize_crc_table

from drivers.base import protocol as p


def vendor_crc(data: bytes) -> int:
    """CRC as the basicmicro library computes it, byte by byte from its table."""
    table = initialize_crc_table(0x1021)
    crc = 0
    for byte in data:
        crc = ((crc << 8) ^ table[(crc >> 8) ^ byte]) & 0xFFFF
    return crc


def test_crc_check_value_of_the_catalogue() -> None:
    # CRC-16/XMODEM (poly 0x1021, init 0, no reflection): check value of "123456789"
    assert p.crc16(b"123456789") == 0x31C3


def test_crc_of_empty_and_single_bytes() -> None:
    assert p.crc16(b"") == 0
    assert p.crc16(b"\x80") == 0x9188  # one byte: table[0x80]
    assert p.crc16(b"\x01") == 0x1021  # one bit: the polynomial itself


def test_crc_matches_vendor_library_on_random_packets() -> None:
    rng = random.Random(7)
    for _ in range(200):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 24)))
        assert p.crc16(data) == vendor_crc(data)


def test_set_timeout_packet_layout() -> None:
    packet = p.frame(128, p.SET_SERIAL_TIMEOUT, bytes((5,)))
    assert packet[:3] == bytes((0x80, 14, 5))
    assert packet[3:] == vendor_crc(packet[:3]).to_bytes(2, "big")


def test_mixed_speed_is_big_endian_signed() -> None:
    packet = p.frame(128, p.MIXED_SPEED, p.pack_mixed_speed(-1, 1000))
    assert packet[2:10] == b"\xff\xff\xff\xff\x00\x00\x03\xe8"
    assert len(packet) == 12


def test_read_reply_crc_covers_address_and_command() -> None:
    reply = p.read_reply(128, p.READ_STATUS, struct.pack(">I", p.STATUS_S4))
    assert p.reply_crc_ok(128, p.READ_STATUS, reply)
    assert not p.reply_crc_ok(129, p.READ_STATUS, reply)
    assert not p.reply_crc_ok(128, p.READ_ENCODERS, reply)


def test_reads_carry_no_crc_writes_do() -> None:
    assert p.frame(128, p.READ_STATUS) == b"\x80\x5a"
    assert p.frame(128, p.READ_ENCODERS) == b"\x80\x4e"  # not 80 4e b2 92
    assert all(len(p.frame(128, c)) == 2 for c in p.COMMANDS.values() if c.is_read)
    assert len(p.frame(128, p.RESET_ENCODERS)) == 4


def test_frame_refuses_wrong_data_length() -> None:
    with pytest.raises(ValueError, match="takes 8 data bytes"):
        p.frame(128, p.MIXED_SPEED, b"\x00")


def test_only_distance_commands_are_not_repeatable() -> None:
    not_repeatable = {c.name for c in p.COMMANDS.values() if not c.idempotent}
    assert not_repeatable == {"mixed-speed-distance"}
