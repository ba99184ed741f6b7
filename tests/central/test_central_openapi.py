"""Central against its own published OpenAPI document, driven by schemathesis.

Every operation gets schema-valid and schema-invalid requests (Hypothesis, a bounded
budget so CI stays quick) with a kiosk's or a counter's token, and every answer is checked
against the document: status codes, bodies, content types, headers, no 5xx, and valid
input accepted / invalid input refused. ``KIOSK_FUZZ_EXAMPLES`` raises the budget.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import httpx
import hypothesis
import schemathesis

from central.app import create_app
from central.settings import load_settings

CONFIG = Path(__file__).resolve().parents[2] / "config" / "central.sim.toml"
_TMP = tempfile.TemporaryDirectory(prefix="central-openapi-")  # removed at exit
_DB = Path(_TMP.name) / "central.sqlite3"
SETTINGS = load_settings(CONFIG).model_copy(update={"database_url": f"sqlite:///{_DB}"})
APP = create_app(SETTINGS)
KIOSK_TOKEN = SETTINGS.kiosks[0].token
COUNTER_TOKEN = SETTINGS.counters[0].token
EXAMPLES = int(os.environ.get("KIOSK_FUZZ_EXAMPLES", "25"))

schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


def _token(path: str) -> str:
    counter = path.startswith("/api/v1/counters/") or path.endswith(
        ("/start", "/complete", "/no-show")
    )
    return COUNTER_TOKEN if counter else KIOSK_TOKEN


@schema.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    derandomize=True,
)
def test_central_answers_as_its_document_says(case: schemathesis.Case) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {_token(case.path)}"})


# What schemathesis (and the outside test) found, kept as plain tests.


def _client() -> httpx.AsyncClient:

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=APP), base_url="http://central")


def _kiosk(**body: object) -> dict[str, object]:
    return {"idempotency_key": f"found-{os.urandom(6).hex()}", "service": "tu-phap", **body}


async def test_replays_and_the_public_404_are_documented() -> None:
    document = APP.openapi()
    for path in ("/api/v1/tickets", "/api/v1/bookings", "/api/v1/ratings"):
        assert "200" in document["paths"][path]["post"]["responses"], path
    assert "text/html" in document["paths"]["/t/{public_id}"]["get"]["responses"]["404"]["content"]
    allow = document["paths"]["/api/v1/health"]["get"]["responses"]["405"]["headers"]
    assert "Allow" in allow


async def test_found_inputs_are_answered_as_the_schema_says() -> None:
    headers = {"Authorization": f"Bearer {KIOSK_TOKEN}"}
    async with _client() as client:
        empty = await client.post("/api/v1/tickets", json=_kiosk(priority=""), headers=headers)
        assert (empty.status_code, empty.json()["error"]["code"]) == (422, "bad-request")
        wrong = await client.delete("/api/v1/tickets", headers=headers)
        assert wrong.status_code == 405 and wrong.headers["allow"] == "POST"
        both = await client.delete("/api/v1/help-requests", headers=headers)  # GET and POST
        assert both.status_code == 405 and both.headers["allow"] == "GET, POST"
        number = {"number": "K1-A001", "issued_at": 0}
        epoch = await client.post("/api/v1/tickets", json=_kiosk(offline=number), headers=headers)
        assert epoch.status_code == 422 and "issued_at" in epoch.json()["error"]["message"]
        other = {"number": "K2-A001", "issued_at": "2026-11-23T08:00:00+07:00"}
        theirs = await client.post("/api/v1/tickets", json=_kiosk(offline=other), headers=headers)
        assert (theirs.status_code, theirs.json()["error"]["code"]) == (403, "forbidden")
        rating = {"idempotency_key": "found-rating-1", "score": 3, "counter": ""}
        blank = await client.post("/api/v1/ratings", json=rating, headers=headers)
        assert (blank.status_code, blank.json()["error"]["code"]) == (422, "bad-request")


async def test_an_offline_ticket_from_a_kiosk_clock_centuries_behind_is_queued_now() -> None:
    headers = {"Authorization": f"Bearer {KIOSK_TOKEN}"}
    offline = {"number": "K1-B859", "issued_at": "0461-06-04T23:32:30.58371Z"}
    body = _kiosk(service="giao-thong-van-tai", offline=offline)
    async with _client() as client:
        answer = await client.post("/api/v1/tickets", json=body, headers=headers)
    assert answer.status_code == 201
    ticket = answer.json()
    assert ticket["issued_at"].endswith("+07:00") and ticket["local_day"] >= "2026-01-01"
