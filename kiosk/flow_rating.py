"""The rating steps of the visitor flow, kept out of kiosk.flow's body.

``menu -> rating -> rating_sent -> idle``: the citizen first shows their served ticket's QR
code to the camera (a rating names its ticket, and so the counter that served it); the
daemon asks central which ticket it is (``rating_ticket``); then the faces show, one is
chosen with optional reasons, and ``rating_sent`` sends it in the background.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.flow import Visit, VisitEffects


class RatingSteps:
    """Conditions and actions of the rating transitions (mixed into VisitorFlow)."""

    visit: Visit
    rating_levels: int

    def _update(self, **changes: Any) -> None:  # pragma: no cover - VisitorFlow's
        raise NotImplementedError

    def _visit_effects(self) -> VisitEffects:  # pragma: no cover - VisitorFlow's
        raise NotImplementedError

    def valid_score(self, score: int | None = None, **_: Any) -> bool:
        """A score on the configured scale."""
        return isinstance(score, int) and 1 <= score <= self.rating_levels

    def has_score(self) -> bool:
        """A rating needs a served ticket and a score; reasons are optional."""
        return self.visit.score is not None and self.visit.rate_ref is not None

    def _choose_score(self, score: int | None = None, **_: Any) -> None:
        if self.visit.rate_ref is not None:  # the faces show once the ticket is known
            self._update(score=score)

    def _scan_ticket(self, ticket: str | None = None, **_: Any) -> None:
        if not ticket:
            self._update(error="not-a-ticket")
        elif ticket not in (self.visit.rate_ref, self.visit.rate_pending):
            self._update(rate_pending=ticket, error=None)
            self._visit_effects().check_rating_ticket(ticket)

    def _rating_ticket(self, ref: str = "", number: str = "", counter: str = "",
                       error: str | None = None, **_: Any) -> None:
        if ref != self.visit.rate_pending:
            return  # an answer about a ticket shown before this one
        if error:
            self._update(rate_pending=None, error=f"rate-{error}")
        else:
            self._update(rate_pending=None, rate_ref=ref, rate_number=number,
                         rate_counter=counter, error=None)

    def _toggle_reason(self, reason: str | None = None, **_: Any) -> None:
        if not reason:
            return
        reasons = self.visit.reasons
        reasons = tuple(r for r in reasons if r != reason) if reason in reasons \
            else reasons + (reason,)
        self._update(reasons=reasons)

    def on_rate(self) -> None:
        self.visit = replace(self.visit, score=None, reasons=(), error=None, rate_pending=None,
                             rate_ref=None, rate_number="", rate_counter="")

    def on_enter_rating(self) -> None:
        self._visit_effects().start_scanning()  # the citizen shows their ticket's QR

    def on_enter_rating_sent(self) -> None:
        self._visit_effects().send_rating(self.visit)
