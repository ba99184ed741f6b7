"""What the screen shows: a :class:`ScreenModel` built from the flow's state and visit.

The daemon knows the devices and the last ticket; the screen knows how to draw. This is
the one place that turns the former into the latter, including the lobby map with the
way to the counter for a kiosk without a robot (planned once per counter and cached).
"""

from __future__ import annotations

import io
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.config import KioskConfig
from kiosk.face_view import face_panel
from kiosk.flow import Visit
from kiosk.help_call import HelpStatus
from kiosk.procedures.desk import ProcedureDesk
from kiosk.procedures.panel import dossier_panel, procedure_panel
from kiosk.screen.touchscreen import PriorityButton, ScreenModel, ServiceButton, TicketPanel
from kiosk.tickets.catalogue import ServiceCatalogue
from kiosk.tickets.desk import IssuedTicket
from navigation.errors import NavigationError
from navigation.lobby import load_lobby
from navigation.planner import Planner

_LOGGER = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class KioskStatus:
    """What the daemon knows right now that changes what the screen offers."""

    last_ticket: IssuedTicket | None
    has_base: bool
    faults: tuple[str, ...]
    can_talk: bool
    #: the citizen's call for help, once they pressed "call staff"
    help: HelpStatus | None = None
    #: offer "look up by face" (faces on, models loaded, the camera giving frames)
    face_button: bool = False


class ScreenView:
    """Builds screen models for one kiosk."""

    def __init__(
        self,
        config: KioskConfig,
        catalogue: ServiceCatalogue,
        procedures: ProcedureDesk | None = None,
    ) -> None:
        self.config = config
        self.catalogue = catalogue
        self.procedures = procedures
        self._routes: dict[str, bytes | None] = {}

    def model(self, state: str, visit: Visit, status: KioskStatus) -> ScreenModel:
        """What the screen shows for ``state`` and ``visit``."""
        lang = visit.language
        panel = None
        several = False
        last = status.last_ticket
        if visit.ticket is not None and last is not None and last.number == visit.ticket.number:
            view = last.view
            several = len(last.counter_codes) > 1
            route = (
                self.route_picture(self._place(visit, last))
                if last.counter_codes and (not status.has_base or visit.show_way)
                else None
            )
            panel = TicketPanel(
                number=view.number,
                service_name=view.service_name,
                counters=view.counters,
                people_ahead=view.people_ahead,
                wait_min=view.estimated_wait_min,
                printed=last.printed,
                printing=last.printing,
                offline=last.offline,
                status_url=view.status_url,
                priority_name=view.priority_label,
                route_png=route,
            )
        features = self.config.features
        faces_on = self.config.faces.enabled and features.dossier_lookup
        return ScreenModel(
            state=state,
            language=lang,
            languages=self.config.kiosk.languages,
            centre_name=self.config.kiosk.centre_names.get(lang) or self.config.kiosk.centre_name,
            services=tuple(ServiceButton(s.code, s.name(lang)) for s in self.catalogue.services),
            ticket=panel,
            error=visit.error,
            has_base=status.has_base and not visit.show_way,  # no second "follow me"
            priorities=tuple(
                PriorityButton(c.code, c.names.get(lang) or c.names.get("vi") or c.code)
                for c in self.catalogue.priority_categories
            ),
            priority=visit.priority,
            guide_to_area=panel is not None and several,
            features=features.enabled(),
            page=visit.page,
            booking_code=visit.booking_code,
            score=visit.score,
            reasons=visit.reasons,
            rating_levels=features.rating_levels,
            rate_number=visit.rate_number if visit.rate_ref else "",
            rate_counter=visit.rate_counter if visit.rate_ref else "",
            rate_checking=visit.rate_pending is not None,
            large_text=visit.large_text,
            person_seen=visit.person_seen,
            faults=status.faults,
            can_talk=status.can_talk,
            help_state=status.help.state if status.help else "",
            help_counter=status.help.counter_name if status.help else None,
            procedure=procedure_panel(self.procedures, visit, self.route_picture)
            if state == "procedure_info" and self.procedures is not None
            else None,
            dossier=face_panel(
                dossier_panel(self.procedures, visit, time.monotonic), visit,
                faces_on=faces_on, second_factor=self.config.faces.second_factor,
                button=status.face_button,
            )
            if state == "dossier_lookup" and self.procedures is not None
            else None,
        )

    def _place(self, visit: Visit, last: IssuedTicket) -> str:
        """The pose the way is drawn to: the field's waiting area when several counters may
        call the number and the map has one, else the first counter."""
        if len(last.counter_codes) == 1:
            return last.counter_codes[0]
        service = visit.service or next(
            (
                s.code
                for s in self.catalogue.services
                if s.name(visit.language) == last.view.service_name
            ),
            None,
        )
        pose = f"wait-{service}"
        return pose if self.route_picture(pose) is not None else last.counter_codes[0]

    def route_picture(self, counter_code: str) -> bytes | None:
        """The lobby map with the way from the entrance to ``counter_code`` (PNG); None (the
        screen draws a schematic) if there is no usable map."""
        if counter_code not in self._routes:
            self._routes[counter_code] = self._draw_route(counter_code)
        return self._routes[counter_code]

    def _draw_route(self, counter_code: str) -> bytes | None:
        settings = self.config.navigation
        path = Path(settings.map_path)
        if not path.is_absolute() and not path.exists():
            path = ROOT / path
        try:
            lobby = load_lobby(path)
            start = "entrance" if "entrance" in lobby.poses else "dock"
            planner = Planner(
                lobby, inflation_m=settings.robot_radius_m, plan_cell_m=settings.plan_cell_m
            )
            route = planner.route_between(start, counter_code)
            image = lobby.render_route_png(start, counter_code, route, width_px=720)
        except (NavigationError, OSError) as exc:
            _LOGGER.warning(
                "no lobby route to %s (%s): the screen draws a schematic", counter_code, exc
            )
            return None
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()
