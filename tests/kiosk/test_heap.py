"""The daemon's heap trim (kiosk/heap.py): glibc's malloc_trim, only while idle."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from kiosk import heap


def test_trim_runs_on_this_c_library() -> None:
    if heap._TRIM is None:
        pytest.skip("not glibc")
    blocks = [bytearray(256 * 1024) for _ in range(64)]  # 16 MiB in the heap, then freed
    del blocks
    assert isinstance(heap.trim(), bool)


async def test_trims_only_while_idle(monkeypatch: pytest.MonkeyPatch) -> None:
    if heap._TRIM is None:
        pytest.skip("not glibc")
    trims: list[int] = []
    monkeypatch.setattr(heap, "trim", lambda: trims.append(1) or True)
    idle = {"now": False, "asked": 0}

    def is_idle() -> bool:
        idle["asked"] += 1
        return idle["now"]

    task = asyncio.ensure_future(heap.trim_while_idle(is_idle, every_s=0.01))
    while idle["asked"] < 5:
        await asyncio.sleep(0.01)
    assert trims == []  # a citizen is at the kiosk: never trimmed
    idle["now"] = True
    while not trims:
        await asyncio.sleep(0.01)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
