"""The demo's screen tour (``kiosk demo --screenshots DIR``): every screen a citizen can
reach, in every language the kiosk offers, reached by tapping as a citizen would, each
saved as a PNG under ``DIR/<language>/``; then all again in large text under
``DIR/<language>-large/``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk import demo_dossier, demo_faces, demo_menu, demo_procedures, demo_rating

if TYPE_CHECKING:
    from kiosk.demo import HeadlessDemo


class ScreenTour:
    """Visits every screen in every language by tapping, and saves each as a PNG."""

    def __init__(self, demo: HeadlessDemo, folder: Path) -> None:
        self.demo = demo
        self.daemon = demo.daemon
        self.folder = folder
        self.saved: list[Path] = []

    def _shot(self, language: str, name: str) -> None:
        folder = language + ("-large" if self.demo.large_text else "")
        count = sum(1 for p in self.saved if p.parent.name == folder)
        path = self.folder / folder / f"{count:02d}-{name}.png"
        self.daemon.screen.screenshot(path)
        self.saved.append(path)

    async def run(self, large: bool = False) -> list[Path]:
        """Every language the kiosk offers, every screen a citizen can reach; ``large``:
        the second pass, in large text (the demo touches "Chữ lớn" after every start)."""
        demo, flow = self.demo, self.daemon.flow
        for language in self.daemon.config.kiosk.languages:
            await demo._wait_state("idle")
            self.daemon.screen.show_greeting_in(language)  # the greeting rotates
            self._shot(language, "attract")
            await demo._tap("start", language)
            await demo._wait_state("menu")
            self._shot(language, "menu")
            if not large:  # a number, in both sizes; back at the attract screen
                await demo_menu.tour(demo, self._shot, language)
                await demo._tap("start", language)
                await demo._wait_state("menu")
            if flow.booking_enabled():
                await demo._tap("book")
                await demo._wait_state("booking")
                for char in "ACDEFH":
                    await demo._tap("key", char)
                self._shot(language, "booking")
                await demo._tap("submit_code")
                await demo._wait_state("booking")
                while flow.visit.error is None:
                    await asyncio.sleep(0.01)
                self._shot(language, "booking-error")
                await demo._tap("back")
            await demo_rating.tour(demo, self._shot, language)
            await demo_procedures.tour(demo, self._shot, language)
            await demo_dossier.tour(demo, self._shot, language)
            await demo_faces.tour(demo, self._shot, language)
            if self.daemon.screen.target_centre("call_staff"):
                await demo._tap("call_staff")
                await demo._wait_state("help")
                self._shot(language, "help")
                await demo._tap("back")
            await demo._wait_state("menu")
            self.daemon.arm_timer(5.0)  # show the idle countdown, then let it run out
            await asyncio.sleep(0.3)
            self._shot(language, "idle-countdown")
            await demo._wait_state("idle", timeout_s=10)
        return self.saved
