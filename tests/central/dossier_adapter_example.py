"""A centre's own dossier adapter, as docs/wire-api.md describes: one class answering
``find``. Here it answers from a dict, as a provincial system's client would from its API."""

from __future__ import annotations

from central.dossiers import Dossier, DossierAdapter

_PROVINCE = {
    "TINH-2026-0001": Dossier(
        code="TINH-2026-0001",
        applicant_name="Phạm Thị Hoa",
        status="ready",
        received_on="2026-11-02",
        procedure="so-do",
        appointment_on="2026-11-20",
    )
}


class ProvinceDossiers(DossierAdapter):
    """Answers from the province's records (a dict standing in for its HTTP API)."""

    async def find(self, code: str) -> Dossier | None:
        """The dossier, or None."""
        return _PROVINCE.get(code.upper())
