"""The procedure information steps of the visitor flow, kept out of kiosk.flow's body.

On the ``procedure_info`` screen the citizen pages fields, types a few letters to search,
opens one procedure's answer (or names it by voice), prints its checklist, and goes back
up one step at a time; from an answer a robot can lead to the procedure's counter.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.flow import Visit, VisitEffects


class ProcedureSteps:
    """Conditions and actions of the procedure transitions (mixed into VisitorFlow)."""

    visit: Visit
    services: frozenset[str]

    def _update(self, **changes: Any) -> None:  # pragma: no cover - VisitorFlow's
        raise NotImplementedError

    def _visit_effects(self) -> VisitEffects:  # pragma: no cover - VisitorFlow's
        raise NotImplementedError

    def procedure_code(self, code: str | None = None, **_: Any) -> bool:
        """A procedure code as the screen sends it (the screen lists known ones only)."""
        return isinstance(code, str) and 0 < len(code) <= 48

    def procedure_shown(self) -> bool:
        """A procedure's answer is on the screen."""
        return self.visit.proc_code is not None

    def procedure_deeper(self) -> bool:
        """The procedures screen shows more than its first page: "back" goes up one step."""
        v = self.visit
        return v.proc_code is not None or v.proc_field is not None or bool(v.proc_keys)

    def procedure_trip(self) -> bool:
        """The robot set off from a procedure's answer, not from a ticket."""
        return self.visit.ticket is None and self.visit.proc_code is not None

    def _pick_field(self, field: str | None = None, **_: Any) -> None:
        if field in self.services:
            self._update(proc_field=field, proc_code=None, proc_keys="", proc_notice=None)

    def _pick_procedure(self, code: str | None = None, **_: Any) -> None:
        self._update(proc_code=code, proc_notice=None, page=0)

    def _search_key(self, letter: str | None = None, **_: Any) -> None:
        keys = self.visit.proc_keys
        if letter == "erase":
            keys = keys[:-1]
        elif letter == "space":
            keys = keys + " " if keys and not keys.endswith(" ") else keys
        elif isinstance(letter, str) and len(letter) == 1 and letter.isascii() and letter.isalpha():
            keys = (keys + letter.lower())[:40]
        self._update(proc_keys=keys, proc_field=None, proc_code=None, proc_notice=None)

    def _print_checklist(self) -> None:
        self._update(proc_notice="checklist_printing")
        self._visit_effects().print_checklist(self.visit)

    def _procedure_up(self) -> None:
        v = self.visit
        if v.proc_code is not None:
            self._update(proc_code=None, proc_notice=None, page=0)
        elif v.proc_field is not None:
            self._update(proc_field=None)
        else:
            self._update(proc_keys="")

    def on_ask_procedure(self, code: str | None = None, **_: Any) -> None:
        self.visit = replace(self.visit, proc_field=None, proc_code=code, proc_keys="", page=0,
                             proc_notice=None)  # a spoken question names its procedure
