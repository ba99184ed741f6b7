"""``sim://``: a simulated ticket printer that takes the same path as a real one.

:class:`SimPrinter` is an :class:`~drivers.printer.escpos_printer.EscposPrinter` like the
USB or TCP backends. Its python-escpos printer object is a ``Dummy``-like byte sink whose
far end is a :class:`~drivers.printer.sim_device.SimPrinterDevice`: jobs are encoded to
real ESC/POS by the shared encoder, the device decodes them, and ``status()`` sends the
real DLE EOT requests and parses the device's answers with the code that parses a real
printer's. Nothing is short-circuited, so a test that passes here exercises the backends'
logic too.

URL: ``sim://?paper=ok|near_end|out&cover=open|closed&online=1|0&paper_mm=..&profile=..&width=..``
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from drivers.printer.base import Paper
from drivers.printer.encoder import load_escpos, pin_width
from drivers.printer.escpos_printer import EscposPrinter, common_options
from drivers.printer.sim_device import PrintedTicket, SimPrinterDevice
from drivers.url import DeviceURL, DeviceURLError

if TYPE_CHECKING:
    from escpos.escpos import Escpos

_LOGGER = logging.getLogger(__name__)


class SimLinkDown(TimeoutError):
    """Raised by the simulated link when the device is offline (as a USB write times out)."""


def _sim_link(device: SimPrinterDevice, profile: str | None, width_px: int) -> Escpos:
    """A python-escpos printer object whose ``_raw``/``_read`` talk to ``device``."""
    load_escpos()
    from escpos.printer import Dummy

    class _SimLink(Dummy):  # type: ignore[misc]  # python-escpos is untyped
        """Dummy whose bytes go to the simulated mechanism and whose reads get its answers."""

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self._answers = bytearray()

        def _raw(self, msg: bytes) -> None:
            if not device.online:
                raise SimLinkDown("simulated printer is offline")
            self._answers += device.feed(bytes(msg))

        def _read(self) -> bytes:
            answer = bytes(self._answers)
            self._answers.clear()
            return answer

    link = _SimLink(profile=profile)
    pin_width(link, width_px)  # as the encoder's Dummy, so image() checks the same limit
    return link


class SimPrinter(EscposPrinter):
    """A simulated ESC/POS printer with settable paper, cover and power state."""

    def __init__(
        self,
        *,
        profile: str | None = None,
        width_px: int | None = None,
        timeout_s: float = 3.0,
        device: SimPrinterDevice | None = None,
        name: str = "sim://",
    ) -> None:
        """Create the printer; pass ``device`` to share one mechanism (e.g. with a test)."""
        super().__init__(name=name, profile=profile, width_px=width_px, timeout_s=timeout_s)
        self.device = device if device is not None else SimPrinterDevice()

    @classmethod
    def from_url(cls, url: DeviceURL, *, timeout_s: float) -> SimPrinter:
        """Build from ``sim://?paper=..&cover=..&online=..&paper_mm=..&profile=..&width=..``."""
        paper_text = url.options.get("paper", "ok")
        try:
            paper = Paper(paper_text)
        except ValueError:
            raise DeviceURLError(
                f"{url.raw}: option paper={paper_text!r} is not one of ok, near_end, out"
            ) from None
        cover = url.options.get("cover", "closed")
        if cover not in ("open", "closed"):
            raise DeviceURLError(f"{url.raw}: option cover={cover!r} is not open or closed")
        paper_mm = url.options.get("paper_mm")
        device = SimPrinterDevice(
            paper=paper,
            cover_open=cover == "open",
            online=url.option_bool("online", True),
            paper_left_mm=url.option_float("paper_mm", 0, low=0, high=1e6) if paper_mm else None,
        )
        options = common_options(url)
        return cls(
            profile=options["profile"],
            width_px=options["width_px"],
            timeout_s=timeout_s,
            device=device,
            name=url.raw,
        )

    def _open_device(self) -> Escpos:
        return _sim_link(self.device, self.profile, self.width_px)

    # Convenience for tests and the demo: the mechanism's state, one attribute away.

    @property
    def printed(self) -> list[PrintedTicket]:
        """Every ticket printed so far, oldest first."""
        return self.device.printed

    @property
    def paper(self) -> Paper:
        """Paper sensor state."""
        return self.device.paper

    @paper.setter
    def paper(self, value: Paper) -> None:
        self.device.paper = value

    @property
    def cover_open(self) -> bool:
        """Cover open."""
        return self.device.cover_open

    @cover_open.setter
    def cover_open(self, value: bool) -> None:
        self.device.cover_open = value

    @property
    def online(self) -> bool:
        """Powered and connected."""
        return self.device.online

    @online.setter
    def online(self, value: bool) -> None:
        self.device.online = value

    @property
    def paper_left_mm(self) -> float | None:
        """Paper left on the roll (None = endless)."""
        return self.device.paper_left_mm

    @paper_left_mm.setter
    def paper_left_mm(self, value: float | None) -> None:
        self.device.load_paper(value)
