"""``tcp://HOST:PORT``: a network printer (raw port 9100) through python-escpos's ``Network``.

The socket timeout (connect, send and receive) is ``timeout_s``; python-escpos's default
is 60 s. A powered-off network printer can accept a connection's buffered bytes and lose
them, so after each job we ask DLE EOT 1 (``confirm_after_print``) and report a job with
no answer as possibly not printed. Turn this off with ``?confirm=0`` for printers that do
not answer status requests.

URL: ``tcp://10.0.0.7:9100?profile=TM-T88V&confirm=1&spy=1``
"""

from __future__ import annotations

import logging
import socket
from typing import TYPE_CHECKING, Any

from drivers.printer.encoder import load_escpos, pin_width
from drivers.printer.escpos_printer import EscposPrinter, common_options
from drivers.url import DeviceURL, DeviceURLError

if TYPE_CHECKING:
    from escpos.escpos import Escpos

_LOGGER = logging.getLogger(__name__)

DEFAULT_PORT = 9100


class NetworkPrinter(EscposPrinter):
    """An ESC/POS printer on a raw TCP port."""

    def __init__(
        self, host: str, port: int = DEFAULT_PORT, *, name: str = "", **kwargs: Any
    ) -> None:
        """Set up; the connection is made on first use. ``kwargs`` go to :class:`EscposPrinter`."""
        super().__init__(name=name or f"tcp://{host}:{port}", **kwargs)
        self.host = host
        self.port = port

    @classmethod
    def from_url(cls, url: DeviceURL, *, timeout_s: float) -> NetworkPrinter:
        """Build from ``tcp://HOST[:PORT]?confirm=1&profile=..&width=..&spy=1``."""
        host, _, port_text = (
            url.netloc.rpartition(":") if ":" in url.netloc else (url.netloc, "", "")
        )
        if not host:
            raise DeviceURLError(f"{url.raw}: expected tcp://HOST:PORT, e.g. tcp://10.0.0.7:9100")
        port = DEFAULT_PORT
        if port_text:
            if not port_text.isdigit() or not 0 < int(port_text) < 65536:
                raise DeviceURLError(f"{url.raw}: port {port_text!r} is not 1..65535")
            port = int(port_text)
        return cls(
            host.strip("[]"),
            port,
            name=url.raw,
            timeout_s=timeout_s,
            confirm_after_print=url.option_bool("confirm", True),
            **common_options(url),
        )

    def _open_device(self) -> Escpos:
        load_escpos()
        from escpos.printer import Network

        printer = Network(
            host=self.host, port=self.port, timeout=self.timeout_s, profile=self.profile
        )
        printer.open(raise_not_found=True)
        pin_width(printer, self.width_px)
        return printer

    def _read_answer(self, device: Escpos) -> bytes:
        sock: socket.socket = device.device
        sock.settimeout(self.status_timeout_s)
        try:
            answer = sock.recv(16)
        except TimeoutError:
            return b""  # no answer is "status unknown", not a broken link
        finally:
            sock.settimeout(self.timeout_s)
        if not answer:
            raise ConnectionResetError("printer closed the connection")
        return answer
