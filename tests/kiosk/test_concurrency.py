"""20 kiosks issuing at once against central on loopback never share a number."""

from __future__ import annotations

import asyncio

from kiosk.embedded_central import EmbeddedCentral


async def test_twenty_kiosks_at_once(make_desk, loopback_central: EmbeddedCentral) -> None:  # type: ignore[no-untyped-def]
    # A generous budget: this test is about central's numbering, not the offline path.
    desks = [
        make_desk(url=loopback_central.url, kiosk=f"K{1 + i % 3}", budget_s=10) for i in range(20)
    ]
    for desk in desks:
        await desk.refresh_services()

    async def kiosk(desk, n: int) -> list[str]:  # type: ignore[no-untyped-def]
        return [(await desk.issue("tu-phap", "vi", None)).number for _ in range(n)]

    numbers = [n for batch in await asyncio.gather(*(kiosk(d, 5) for d in desks)) for n in batch]
    assert len(numbers) == 100
    assert sorted(numbers) == [f"A{i:03d}" for i in range(1, 101)]
