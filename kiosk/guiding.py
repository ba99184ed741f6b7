"""Wiring the robot base and navigation into the kiosk: guide, return, stop, announce.

:class:`navigation.guide.Guide` does the driving and the safety; this module opens the base
from its URL, loads the lobby map, runs trips as tasks that post their outcome to the
daemon's queue (a trip that dies of an unexpected exception posts
:class:`~kiosk.events.TaskFailed`: the flow shows the way, or stops the robot for staff),
and turns navigation's announcement codes into words in the citizen's
language (spoken, and logged for the journal). A kiosk without a base has none of this:
it shows the way on screen instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from drivers.base import RobotBase, open_base
from kiosk.events import Docked, EmergencyStop, GuideFinished, KioskEvent
from kiosk.lidar_wiring import guarded_lidar, lidar_health, open_robot_lidar
from kiosk.screen.i18n import translate
from kiosk.screen.texts import N_, short_field
from kiosk.tasks import spawn
from navigation.guide import Guide, GuideResult
from navigation.lobby import load_lobby
from navigation.settings import NavigationSettings

_LOGGER = logging.getLogger(__name__)

#: navigation's announcement codes and what the robot says, as English source texts that
#: the screens' gettext catalogues translate (assets/locale/*/LC_MESSAGES/kiosk.po)
ANNOUNCEMENTS: dict[str, str] = {
    "follow-me": N_("Please follow me to {counter}."),
    "arrived": N_(
        "This is {counter}. Please wait for your number to be called. Have a nice day."
    ),
    "make-way": N_("Excuse me, may I pass?"),
    "gave-up": N_("Sorry, the way is crowded. The screen shows the way to {counter}."),
    "low-battery": N_("My battery is low. The screen shows the way to {counter}."),
    "returning": N_("I am going back to my place."),
    "safety-stop": N_("I have stopped safely."),
    "resume-warning": N_("Attention, I am about to move."),
}


WAITING_AREA = N_("the waiting area for {field}")


@dataclass(frozen=True)
class Destination:
    """Where the robot leads a citizen: a pose of the lobby map and how it is said."""

    pose: str
    name: str
    #: the field's waiting area (several counters may call the number), not one counter
    area: bool


def destination(
    service: str | None,
    field: str,
    counter_codes: tuple[str, ...],
    counter_names: tuple[str, ...],
    poses: Collection[str],
    language: str,
) -> Destination | None:
    """Where to lead the holder of a ticket: the one counter that serves its field, else the
    field's waiting area (pose ``wait-<service>``), in sight of every counter that may call
    the number. A map without that pose falls back to the first counter, with a warning
    for the technician (``kiosk doctor`` names the missing poses too)."""
    if not counter_codes:
        return None
    names = counter_names if len(counter_names) == len(counter_codes) else counter_codes
    if len(counter_codes) == 1:
        return Destination(counter_codes[0], names[0], area=False)
    pose = f"wait-{service}"
    if service and pose in poses:
        words = translate(language, WAITING_AREA).format(field=short_field(field))
        return Destination(pose, words, area=True)
    _LOGGER.warning("TECHNICIAN: the lobby map has no waiting area %r for the counters %s: "
                    "leading to %s", pose, ", ".join(counter_codes), counter_codes[0])
    return Destination(counter_codes[0], names[0], area=False)


def announcement(code: str, params: dict[str, Any], language: str) -> str:
    """The words for navigation's announcement ``code`` in ``language``."""
    template = translate(language, ANNOUNCEMENTS[code]) if code in ANNOUNCEMENTS else code
    return template.format(
        counter=params.get("counter", ""), **{k: v for k, v in params.items() if k != "counter"}
    )


class RobotGuide:
    """The robot side of the visitor flow: trips as tasks, outcomes as events."""

    def __init__(
        self,
        base_url: str,
        settings: NavigationSettings,
        *,
        post: Callable[[KioskEvent], None],
        say: Callable[[str, str], None],
        base: RobotBase | None = None,
        lidar_url: str = "none://",
    ) -> None:
        self.base = base if base is not None else open_base(
            base_url, lidar=guarded_lidar(lidar_url, settings)
        )
        self.lobby = load_lobby(settings.map_path)
        self.language = "vi"
        self._post = post
        self._say = say
        self.lidar = open_robot_lidar(lidar_url, self.base, self.lobby)
        self.guide = Guide(self.base, self.lobby, settings, self._announce, lidar=self.lidar)
        self._task: asyncio.Task[Any] | None = None
        self._counter_names: dict[str, str] = {}

    def _announce(self, code: str, params: dict[str, Any]) -> None:
        if params.get("counter") in self._counter_names:  # "Q3" -> "Quầy 3", as on the ticket
            params = {**params, "counter": self._counter_names[params["counter"]]}
        words = announcement(code, params, self.language)
        _LOGGER.info("robot says (%s): %s", code, words)
        self._say(words, self.language)

    def guide_to(self, counter_code: str, counter_name: str, *, language: str, slow: bool) -> None:
        """Start leading the citizen to ``counter_code``; posts GuideFinished."""
        self.language = language
        self._counter_names = {counter_code: counter_name}
        self._task = spawn(self._guide(counter_code, slow), "guide", self._post)

    async def _guide(self, counter_code: str, slow: bool) -> None:
        result = await self.guide.guide_to(counter_code, slow=slow)
        _LOGGER.info("guiding to %s ended: %s", counter_code, result.value)
        if result is GuideResult.STOPPED_SAFETY:
            self._post(EmergencyStop(self.guide.status.stop_reason or "safety"))
        else:
            self._post(GuideFinished(result))

    def return_to_dock(self) -> None:
        """Drive back to the dock; posts Docked (or EmergencyStop)."""
        self.language = "vi"
        self._task = spawn(self._return(), "return", self._post)

    async def _return(self) -> None:
        result = await self.guide.return_to_dock()
        if result is GuideResult.STOPPED_SAFETY:
            self._post(EmergencyStop(self.guide.status.stop_reason or "safety"))
        else:
            self._post(Docked(result))

    def health(self) -> dict[str, Any]:
        """The robot's part of /health: link, latched stop, safety thread (no I/O)."""
        status = self.guide.status
        monitor = self.guide.monitor
        return {
            "connected": self.base.connected,
            "disconnects": getattr(self.base, "disconnects", 0),
            "reconnects": getattr(self.base, "reconnects", 0),
            "activity": status.activity,
            "stop_reason": status.stop_reason,
            "needs_reset": status.needs_reset,
            "battery_v": status.battery_v,
            "safety_thread": monitor.priority if monitor is not None else "off (virtual clock)",
            "stop_guard": _guard_health(self.base),
            "lidar": lidar_health(self.guide),
        }

    def stop(self) -> None:
        """Stop now; the stop is latched until a person resets it.

        The trip under way is cancelled too: the flow is already in safe_stop, and the
        trip's own outcome must not reach it later. Under load a trip that noticed the
        stop only after staff had reset it posted its EmergencyStop while the robot was
        on its way home, and sent it back into safe_stop."""
        self.guide.emergency_stop()
        if self._task is not None and not self._task.done():
            self._task.cancel()

    def reset(self) -> bool:
        """Staff cleared the cause; False while the e-stop or a bumper is still pressed."""
        return self.guide.reset_after_stop()

    async def close(self) -> None:
        """Stop any trip and release the serial port."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self.guide.close()
        if self.lidar is not None:
            self.lidar.close()
        self.base.close()


def _guard_health(base: Any) -> dict[str, Any] | None:
    """The stop guard process (``?guard=1``): running, its priority, stops it made."""
    guard = getattr(base, "guard", None)
    if guard is None:
        return None
    return {"running": guard.alive, "priority": guard.priority, "stops": len(guard.stops),
            "restarts": guard.restarts, "lidar_relayed": guard.lidar_path is not None,
            "protective_stops": guard.protective_stops}
