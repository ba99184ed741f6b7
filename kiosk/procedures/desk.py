"""What the daemon holds for procedure information and dossier status: the catalogue store
kept fresh from central, one conversation for the citizen at the kiosk, and look-ups.

The service list (names, counters) comes from the ticket desk's catalogue, so "where do I
file" names the counters central says serve the procedure's field today.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from kiosk.procedures.answers import Answer, Conversation, dossier_answer
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
    ) -> None:
        self.store = ProcedureStore(state_dir)
        self.remote = remote
        self._services = services
        self.conversation = Conversation(
            self.store,
            idle_timeout_s=idle_timeout_s,
            counters_of=self._counters_of,
            field_name=self._field_name,
        )
        #: the last answer given (the demo and the tests read it; the log has no text)
        self.last_answer: Answer | None = None

    def _counters_of(self, field: str) -> list[str]:
        service = self._services.get(field)
        return [c.name for c in service.counters] if service else []

    def _field_name(self, field: str, lang: str) -> str:
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
        _LOGGER.info("answered %s in %s: procedure %s, topic %s", intent, lang,
                     answer.procedure, answer.topic)
        return answer

    async def lookup(self, code: str, lang: str, factor: str | None = None) -> DossierView:
        """A dossier's status (RemoteError: refused, unknown, locked out, central down)."""
        view = await self.remote.dossier(code.strip(), factor)
        self.last_answer = dossier_answer(view, lang)
        return view

    def end_visit(self) -> None:
        """The citizen left (idle timeout): forget the procedure in context."""
        self.conversation.reset()
        self.last_answer = None

    async def close(self) -> None:
        """Close the connection to central."""
        await self.remote.close()


__all__ = ["ProcedureDesk", "RemoteError"]
