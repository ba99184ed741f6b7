"""What the daemon holds for procedure information and dossier status: the catalogue store
kept fresh from central, one conversation for the citizen at the kiosk, and look-ups.

The service list (names, counters) comes from the ticket desk's catalogue, so "where do I
file" names the counters central says serve the procedure's field today.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from pathlib import Path

from drivers.printer.base import Printer, PrinterError
from kiosk.events import VoiceIntent
from kiosk.procedures.answers import Answer, Conversation, dossier_answer
from kiosk.procedures.checklist import checklist_job, render_checklist
from kiosk.procedures.remote import DossierView, ProcedureRemote, RemoteError
from kiosk.procedures.store import ProcedureStore
from kiosk.tickets.catalogue import ServiceCatalogue

_LOGGER = logging.getLogger(__name__)

#: how often the catalogue is asked for (a 304 costs a few hundred bytes)
REFRESH_INTERVAL_S = 60.0


class ProcedureDesk:
    """Procedure answers and dossier look-ups for one kiosk."""

    def __init__(
        self,
        state_dir: Path,
        remote: ProcedureRemote,
        services: ServiceCatalogue,
        *,
        idle_timeout_s: float,
        centre_name: str = "",
        public_url: str = "",
        printer: Printer | None = None,
    ) -> None:
        self.centre_name, self.public_url, self.printer = centre_name, public_url, printer
        self.store = ProcedureStore(state_dir)
        self.remote = remote
        self._services = services
        self.conversation = Conversation(
            self.store,
            idle_timeout_s=idle_timeout_s,
            counters_of=self.counter_names,
            field_name=self.field_name,
        )
        #: the last answer given (the demo and the tests read it; the log has no text)
        self.last_answer: Answer | None = None
        #: the procedures a spoken question could mean (at most three, the screen lists
        #: them until the citizen touches the screen)
        self.choices: tuple[str, ...] = ()
        #: the dossier on the dossier screen (cleared when the visit ends)
        self.dossier_shown: DossierView | None = None
        #: the citizen's other dossiers (a face linked to several): "next" shows each
        self.dossiers_more: list[DossierView] = []

    def show_dossiers(self, views: list[DossierView]) -> None:
        """Show the first of ``views``; the others follow on "next" (none: nothing shown)."""
        self.dossier_shown = views[0] if views else None
        self.dossiers_more = views[1:]

    def next_dossier(self) -> None:
        """Show the citizen's next dossier (the one shown goes to the end of the round)."""
        if self.dossiers_more and self.dossier_shown is not None:
            self.dossiers_more.append(self.dossier_shown)
            self.dossier_shown = self.dossiers_more.pop(0)

    def counter_names(self, field: str) -> list[str]:
        """Names of the counters serving ``field`` today (central's service list)."""
        service = self._services.get(field)
        return [c.name for c in service.counters] if service else []

    def counter_codes(self, field: str) -> list[str]:
        """Codes of the counters serving ``field`` (for the lobby map)."""
        service = self._services.get(field)
        return [c.code for c in service.counters] if service else []

    def counters_of(self, code: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Codes and names of the counters that take ``code``'s dossiers (its field's)."""
        proc = self.store.get(code)
        service = self._services.get(proc.field) if proc is not None else None
        if service is None:
            return (), ()
        return tuple(c.code for c in service.counters), tuple(c.name for c in service.counters)

    def field_name(self, field: str, lang: str) -> str:
        """The field's (service's) name in ``lang``."""
        service = self._services.get(field)
        return service.name(lang) if service else field

    async def run_sync(self, interval_s: float = REFRESH_INTERVAL_S) -> None:
        """Refresh the catalogue now and then every ``interval_s`` (runs until cancelled)."""
        while True:
            await self.store.refresh(self.remote)
            await asyncio.sleep(interval_s)

    def answer(self, intent: str, slots: dict[str, str], utterance: str, lang: str) -> Answer:
        """The spoken answer to a recognised question."""
        answer = self.conversation.answer(intent, slots, utterance, lang)
        self.last_answer = answer
        _LOGGER.info(
            "answered %s in %s: procedure %s, topic %s",
            intent,
            lang,
            answer.procedure,
            answer.topic,
        )
        return answer

    async def lookup(self, code: str, lang: str, factor: str | None = None) -> DossierView:
        """A dossier's status (RemoteError: refused, unknown, locked out, central down)."""
        view = await self.remote.dossier(code.strip(), factor)
        self.last_answer = dossier_answer(view, lang)
        return view

    def resolve(self, event: VoiceIntent, features: frozenset[str]) -> tuple[VoiceIntent, str]:
        """Answer a spoken question before the flow moves: returns the event with the
        ``procedure`` slot set to the procedure the answer is about (removed when the
        kiosk asks which one: the screen then lists the choices), and what to say, in
        the language it was asked in ("" when there is nothing to say)."""
        needed = {"ask_procedure": "procedure_info", "lookup_dossier": "dossier_lookup"}
        if needed.get(event.name) not in features:
            return event, ""
        answer = self.answer(event.name, event.slots, event.transcript, event.language or "vi")
        self.choices = answer.choices[:3]
        if event.name == "ask_procedure":
            slots = {k: v for k, v in event.slots.items() if k != "procedure"}
            if answer.procedure:
                slots["procedure"] = answer.procedure
            event = replace(event, slots=slots)
        return event, answer.spoken

    async def print_checklist(self, code: str, lang: str) -> bool:
        """Render and print a procedure's checklist; False (logged) when it could not."""
        proc, printer = self.store.get(code), self.printer
        if proc is None or printer is None:
            return False
        image = render_checklist(
            proc,
            lang,
            centre=self.centre_name,
            counters=self.counter_names(proc.field),
            public_base=self.public_url,
            width_px=printer.width_px,
        )
        try:
            await asyncio.to_thread(printer.print_job, checklist_job(image, code))
        except PrinterError as exc:
            _LOGGER.error("TECHNICIAN: checklist of %s not printed: %s", code, exc)
            return False
        _LOGGER.info("checklist of %s printed (%s)", code, lang)
        return True

    def end_visit(self) -> None:
        """The citizen left (idle timeout): forget the procedure in context."""
        self.conversation.reset()
        self.last_answer = None
        self.choices = ()
        self.show_dossiers([])

    async def close(self) -> None:
        """Close the connection to central."""
        await self.remote.close()


__all__ = ["ProcedureDesk", "RemoteError"]
