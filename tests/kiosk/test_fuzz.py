"""Hypothesis fuzz tests: whatever bytes or text come in, the parsers answer with a value
or their own error naming what was wrong, never a crash.

Covered: kiosk config files (TOML text built key by key from the sim config, and raw
bytes), QR payloads (booking and dossier codes), transcripts through the intent parser,
RoboClaw serial frames (the simulator's receive side and the driver's reply check), and
ESC/POS status bytes. The budget is bounded (``max_examples``, no deadline: the machine
is shared) so the whole file stays a few seconds in CI. Every crash hypothesis found is
kept below as an explicit ``@example``.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from drivers.base import protocol as p
from drivers.base.clock import VirtualClock
from drivers.base.sim import SimController
from drivers.printer.base import Paper
from drivers.printer.status import parse_status, status_answer, status_byte
from kiosk.config import ConfigError, KioskConfig, load_config
from kiosk.flow import BOOKING_ALPHABET, BOOKING_CODE_LENGTH
from kiosk.qr_scan import MAX_QR_TEXT, booking_code_from_qr, dossier_code_from_qr

ROOT = Path(__file__).resolve().parents[2]
GOOD = (ROOT / "config" / "kiosk.sim.toml").read_text(encoding="utf-8")
FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# --- config files -------------------------------------------------------------------

_scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True),
    st.booleans(),
    st.text(max_size=40),
    st.just(""),
    st.just("sim://"),
    st.just("tcp://:notaport"),
    st.just("/proc/kiosk-state"),
    st.just("none://"),
)
_keys = st.sampled_from(
    [
        "kiosk.id",
        "kiosk.state_dir",
        "kiosk.languages",
        "kiosk.timezone",
        "central.url",
        "central.token",
        "central.budget_ms",
        "central.sync_interval_s",
        "devices.printer",
        "devices.camera",
        "devices.base",
        "devices.audio_in",
        "flow.idle_timeout_s",
        "screen.width",
        "features.rating_levels",
        "tickets.preview_dir",
        "speech.listening_mode",
        "kiosk.no_such_key",
        "nonsense.section",
    ]
)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    escaped = "".join(
        ch if ch.isprintable() and ch not in '"\\' else f"\\u{ord(ch):04x}" for ch in str(value)
    )
    return f'"{escaped}"'


def _with(text: str, dotted: str, value: Any) -> str:
    section, key = dotted.split(".", 1)
    header = f"[{section}]"
    line = f"{key} = {_toml_value(value)}"
    if header not in text:
        return text + f"\n{header}\n{line}\n"
    lines, out, inside = text.splitlines(), [], False
    done = False
    for ln in lines:
        if ln.strip().startswith("["):
            if inside and not done:
                out.append(line)
                done = True
            inside = ln.strip() == header
        if inside and ln.split("=", 1)[0].strip() == key:
            continue
        out.append(ln)
    if not done:
        out.append(line)
    return "\n".join(out) + "\n"


def _loads_or_names_problem(path: Path) -> None:
    try:
        config = load_config(path)
    except ConfigError as exc:
        assert exc.problems, "a ConfigError with no problem line"
        assert all(line.startswith(f"{path}: ") for line in exc.problems), exc.problems
        assert all("\n" not in line for line in exc.problems)
    else:
        assert isinstance(config, KioskConfig)


@FAST
@given(changes=st.lists(st.tuples(_keys, _scalars), min_size=1, max_size=4))
@example(changes=[("devices.printer", "tcp://:notaport")])
@example(changes=[("kiosk.state_dir", "/proc/kiosk-state")])
@example(changes=[("screen.width", 2**63 - 1)])
@example(changes=[("central.budget_ms", float("nan"))])
def test_any_config_loads_or_names_each_problem(
    tmp_path: Path, changes: list[tuple[str, Any]]
) -> None:
    text = GOOD
    for key, value in changes:
        text = _with(text, key, value)
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    _loads_or_names_problem(path)


@FAST
@given(data=st.binary(max_size=300))
@example(data=b"\xff\xfe[kiosk]")
@example(data=b'[kiosk]\nid = "K1"\x00')
def test_a_config_file_of_garbage_is_a_config_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_bytes(data)
    _loads_or_names_problem(path)


# --- QR payloads ----------------------------------------------------------------------


@FAST
@given(
    text=st.one_of(
        st.text(max_size=600), st.from_regex(r"https?://[a-z./]{0,30}/[A-Z0-9.\-]{1,40}/?")
    )
)
@example(text="https://x/b/" + "A" * BOOKING_CODE_LENGTH + "\n")
@example(text="\x00" * (MAX_QR_TEXT + 1))
@example(text="javascript:alert(1)//ABCDEF")
def test_any_qr_text_is_a_code_or_nothing(text: str) -> None:
    booking = booking_code_from_qr(text)
    if booking is not None:
        assert len(booking) == BOOKING_CODE_LENGTH
        assert set(booking) <= set(BOOKING_ALPHABET)
    dossier = dossier_code_from_qr(text)
    if dossier is not None:
        assert len(text) <= MAX_QR_TEXT and dossier in text.upper()
        assert set(dossier) <= set(string.ascii_uppercase + string.digits + ".-")


@FAST
@given(
    code=st.text(
        alphabet=BOOKING_ALPHABET, min_size=BOOKING_CODE_LENGTH, max_size=BOOKING_CODE_LENGTH
    ),
    prefix=st.sampled_from(["", "https://dichvucong.example.gov.vn/b/", "booking/"]),
)
def test_a_booking_qr_gives_its_code_back(code: str, prefix: str) -> None:
    assert booking_code_from_qr(prefix + code) == code


# --- transcripts ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def parser() -> Any:
    from speech.catalogue import load_catalogue
    from speech.intents import IntentParser

    return IntentParser(load_catalogue())


@settings(max_examples=60, deadline=None)  # a parse costs a few ms of scikit-learn
@given(text=st.text(max_size=200), lang=st.sampled_from(["vi", "en", "ko", "zz"]))
@example(text="", lang="vi")
@example(text="\u0300\u0301\u0303", lang="vi")  # combining marks alone
@example(text="quầy " + "9" * 40, lang="vi")
@example(text="번 번 번 창구", lang="ko")
@example(text="0", lang="zz")  # found: no sentences in zz retrained and raised every time
def test_any_transcript_is_an_intent(parser: Any, text: str, lang: str) -> None:
    from speech.intents import NOT_UNDERSTOOD, Intent

    intent = parser.parse(text, lang)
    assert isinstance(intent, Intent)
    assert 0.0 <= intent.confidence <= 1.0
    if lang == "zz":  # nothing to understand it from: never a guess
        assert intent.name == NOT_UNDERSTOOD


# --- serial frames (RoboClaw packet serial) -------------------------------------------


@FAST
@given(chunks=st.lists(st.binary(max_size=40), max_size=8))
@example(chunks=[bytes((128, 43)) + b"\x00" * 5])  # a long write cut short
@example(chunks=[bytes((128, 255, 128, 90))])
def test_the_simulated_controller_survives_any_bytes_and_resyncs(chunks: list[bytes]) -> None:
    clock = VirtualClock()
    sim = SimController(clock)
    wall = 0.0
    for chunk in chunks:
        reply = sim.receive(chunk, wall)
        assert isinstance(reply, bytes)
        wall += 0.001
    # after the line's resync gap a proper read is answered with a reply the driver accepts
    wall += p.RESYNC_GAP_S * 2
    reply = sim.receive(p.frame(128, p.READ_STATUS), wall)
    assert len(reply) == p.READ_STATUS.reply_len + 2  # type: ignore[operator]
    assert p.reply_crc_ok(128, p.READ_STATUS, reply)


@FAST
@given(reply=st.binary(max_size=12), address=st.integers(0, 255))
def test_the_reply_check_accepts_only_a_matching_crc(reply: bytes, address: int) -> None:
    ok = p.reply_crc_ok(address, p.READ_ENCODERS, reply)
    if ok:
        assert p.read_reply(address, p.READ_ENCODERS, reply[:-2]) == reply


# --- ESC/POS status bytes ---------------------------------------------------------------


@FAST
@given(eot1=st.binary(max_size=6), eot2=st.binary(max_size=6), eot4=st.binary(max_size=6))
@example(eot1=b"\x16", eot2=b"", eot4=b"")
@example(eot1=b"\x12\xff", eot2=b"\x00\x16", eot4=b"\x72")
def test_any_status_answer_is_a_status(eot1: bytes, eot2: bytes, eot4: bytes) -> None:
    status = parse_status(eot1, eot2, eot4)
    assert status.online == (status_byte(eot1) is not None)
    if not status.online:
        assert status.paper is Paper.UNKNOWN  # never "paper OK" from a silent printer


@FAST
@given(
    paper=st.sampled_from([Paper.OK, Paper.NEAR_END, Paper.OUT]),
    cover=st.booleans(),
    noise=st.binary(max_size=3).filter(lambda b: all(x & p_mask() != 0x12 for x in b)),
)
def test_a_printers_own_answer_reads_back_with_leading_noise(
    paper: Paper, cover: bool, noise: bytes
) -> None:
    answers = [noise + status_answer(n, paper=paper, cover_open=cover) for n in (1, 2, 4)]
    status = parse_status(*answers)
    assert status.online and status.paper is paper and status.cover_open == cover


def p_mask() -> int:
    """The fixed-bit mask of a status byte (noise bytes must not look like one)."""
    from drivers.printer.status import FIXED_MASK

    return FIXED_MASK
