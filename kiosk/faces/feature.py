"""The face lookup as the daemon holds it: loaded behind the first screen, offered only
when it can work.

``start()`` loads the models on a worker thread after the attract screen is up; the
daemon awaits it before it starts anything else, because dlib holds the GIL while it
loads (half a second, 4 s measured on a loaded 2-core machine) and would stall whatever
else runs. Until then, and for good when the faces extra is missing,
:attr:`FaceFeature.available` is False and the kiosk shows no face button. A
capture that finds the camera gone marks it down (the button is hidden, the code path
stays); the next good frame the presence watcher reads marks it up again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from drivers.camera import Camera
from kiosk.faces.engine import FaceEngine, ModelsMissing
from kiosk.faces.lookup import FaceDesk
from kiosk.faces.session import FaceCapture
from kiosk.faces.settings import FaceSettings
from kiosk.faces.wire import FaceService
from kiosk.tickets.client import CentralClient

_LOGGER = logging.getLogger(__name__)


class FaceFeature:
    """Owns the engine and the desk once loaded; says whether to offer the face button."""

    def __init__(
        self,
        settings: FaceSettings,
        camera: Camera | None,
        client: CentralClient,
        *,
        loader: Callable[[FaceSettings], FaceEngine] = FaceEngine.load,
    ) -> None:
        self.settings, self.camera = settings, camera
        self._client, self._loader = client, loader
        self.desk: FaceDesk | None = None
        self.camera_ok = camera is not None
        self.problem: str | None = None
        """Why the feature is not available, for ``kiosk doctor`` and the health page."""

    @property
    def client(self) -> CentralClient:
        """The connection to central the face endpoints go through."""
        return self._client

    @property
    def available(self) -> bool:
        """Show the face button: enabled, models loaded, camera giving frames."""
        return self.desk is not None and self.camera_ok

    async def start(self) -> None:
        """Load the models in the background (nothing when off or without a camera)."""
        if not self.settings.enabled:
            self.problem = "off"
            return
        if self.camera is None:
            self.problem = "no camera"
            _LOGGER.warning("TECHNICIAN: [faces] enabled but no camera: no face lookup")
            return
        try:
            engine = await asyncio.to_thread(self._loader, self.settings)
        except (ModelsMissing, RuntimeError, OSError) as exc:
            self.problem = str(exc)
            _LOGGER.error("TECHNICIAN: face lookup unavailable: %s", exc)
            return
        self.desk = FaceDesk(engine, FaceCapture(engine, self.camera), FaceService(self._client))
        self.problem = None
        _LOGGER.info("face lookup ready (second factor %s)", self.settings.second_factor)

    def camera_seen(self, ok: bool) -> None:
        """The camera gave a frame (True) or failed (False): show or hide the button."""
        if ok != self.camera_ok:
            _LOGGER.warning(
                "face button %s: camera %s", "shown" if ok else "hidden", "back" if ok else "gone"
            )
        self.camera_ok = ok
