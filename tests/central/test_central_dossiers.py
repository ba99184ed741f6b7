"""Dossier status through the real app (SQLite and PostgreSQL): statuses as a citizen sees
them, masking, the per-kiosk rate limit and lockout, the second factor, hostile codes, and
a log that never holds a code or a name."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import httpx
import pytest
from central_testkit import KIOSK2_TOKEN, AppFactory, SettableClock, counter_headers, kiosk_headers

from central.dossiers import mask_name

DOSSIER = {
    "code": "000.00.12.H29-261120-0007",
    "procedure": "ly-lich-tu-phap",
    "procedure_name": {"vi": "Cấp Phiếu lý lịch tư pháp"},
    "applicant_name": "Nguyễn Văn An",
    "received_on": "2026-11-20",
    "appointment_on": "2026-12-04",
    "phone": "0912 345 678",
    "birth_year": 1961,
}


def _client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://c")


async def _create(http: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    response = await http.post(
        "/api/v1/dossiers", json={**DOSSIER, **changes}, headers=counter_headers("Q1")
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def _status(http: httpx.AsyncClient, code: str, **body: Any) -> httpx.Response:
    return await http.post(
        f"/api/v1/dossiers/{code}/status", json=body, headers=counter_headers("Q1")
    )


async def _look(
    http: httpx.AsyncClient, code: str, token: str | None = None, factor: str | None = None
) -> httpx.Response:
    headers = kiosk_headers(token) if token else kiosk_headers()
    if factor is not None:
        headers["X-Second-Factor"] = factor
    return await http.get(f"/api/v1/dossiers/{code}", headers=headers)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Nguyễn Văn An", "Nguyễn V. A."),
        ("  trần   thị  bích ngọc ", "trần T. B. N."),
        ("Lê", "Lê"),
        ("Đặng Ánh", "Đặng Á."),
        ("Kim Min-jun", "Kim M."),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


async def test_statuses_as_the_citizen_sees_them(
    make_app: AppFactory, clock: SettableClock
) -> None:
    async with _client(make_app()) as http:
        created = await _create(http)
        code = created["code"]
        assert created["status"] == "received" and created["applicant"] == "Nguyễn V. A."
        seen = (await _look(http, code.lower())).json()  # codes are not case-sensitive
        assert seen["procedure"]["names"]["vi"] == "Cấp Phiếu lý lịch tư pháp"
        assert seen["appointment_on"] == "2026-12-04" and "phone" not in seen
        assert "Văn" not in str(seen) and "1961" not in str(seen)

        r = await _status(http, code, status="needs_documents", missing=["Bản sao CCCD"])
        assert r.json()["status"] == "needs_documents" and r.json()["missing"] == ["Bản sao CCCD"]
        r = await _status(http, code, status="in_progress")
        assert r.json()["missing"] == []
        clock.moment += timedelta(days=15)  # the appointment passed, not ready: overdue
        assert (await _look(http, code)).json()["status"] == "overdue"
        r = await _status(
            http,
            code,
            status="ready",
            pickup_counter="Q2",
            fee_due_vnd=200000,
            completed_on="2026-12-06",
        )
        ready = (await _look(http, code)).json()
        assert ready["status"] == "ready" and ready["fee_due_vnd"] == 200000
        assert ready["pickup"] == {"code": "Q2", "name": "Quầy 2"}
        await _status(http, code, status="returned", completed_on="2026-12-07")
        done = (await _look(http, code)).json()
        assert done["status"] == "returned" and done["pickup"] is None and done["fee_due_vnd"] == 0


async def test_counter_side_errors(make_app: AppFactory) -> None:
    async with _client(make_app()) as http:
        await _create(http)
        dup = await http.post("/api/v1/dossiers", json=DOSSIER, headers=counter_headers("Q1"))
        assert dup.status_code == 409 and dup.json()["error"]["code"] == "duplicate-dossier"
        kiosk = await http.post("/api/v1/dossiers", json=DOSSIER, headers=kiosk_headers())
        assert kiosk.status_code == 403
        r = await _status(http, DOSSIER["code"], status="lost")
        assert r.status_code == 422
        r = await _status(http, DOSSIER["code"], status="ready", pickup_counter="Q99")
        assert r.json()["error"]["code"] == "unknown-counter"
        r = await _status(http, "NO-SUCH-1", status="ready")
        assert r.status_code == 404 and r.json()["error"]["code"] == "unknown-dossier"
        bad_date = await http.post(
            "/api/v1/dossiers",
            json={**DOSSIER, "code": "X-1234", "received_on": "2026-02-30"},
            headers=counter_headers("Q1"),
        )
        assert bad_date.status_code == 422
        # a counter may not read through the kiosk endpoint
        assert (
            await http.get(f"/api/v1/dossiers/{DOSSIER['code']}", headers=counter_headers("Q1"))
        ).status_code == 403


@pytest.mark.parametrize(
    "hostile",
    [
        "http:%2F%2Fevil.example%2Fx",
        "A" * 41,
        "%27%20OR%201=1--",
        "%3Cscript%3E",
        "ab",
        "..%2F..%2Fetc",
        "H29%00",
        "h%E1%BB%93-s%C6%A1",  # "hồ-sơ": not an ASCII code
    ],
)
async def test_hostile_codes_are_refused(make_app: AppFactory, hostile: str) -> None:
    async with _client(make_app()) as http:
        r = await http.get(f"/api/v1/dossiers/{hostile}", headers=kiosk_headers())
        assert r.status_code in (404, 422), r.text
        assert r.json()["error"]["code"] in ("bad-request", "not-found")


async def test_rate_limit_per_kiosk(make_app: AppFactory, clock: SettableClock) -> None:
    app = make_app(dossier_lookup={"rate_per_minute": 3, "max_misses": 100})
    async with _client(app) as http:
        await _create(http)
        for _ in range(3):
            assert (await _look(http, DOSSIER["code"])).status_code == 200
        limited = await _look(http, DOSSIER["code"])
        assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate-limited"
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        # another kiosk has its own budget
        assert (await _look(http, DOSSIER["code"], KIOSK2_TOKEN)).status_code == 200
        clock.moment += timedelta(seconds=61)
        assert (await _look(http, DOSSIER["code"])).status_code == 200


async def test_lockout_after_repeated_misses(make_app: AppFactory, clock: SettableClock) -> None:
    app = make_app(dossier_lookup={"max_misses": 3, "lockout_s": 120, "rate_per_minute": 100})
    async with _client(app) as http:
        await _create(http)
        for guess in ("H29-0001", "H29-0002"):
            assert (await _look(http, guess)).status_code == 404
        assert (await _look(http, DOSSIER["code"])).status_code == 200  # a hit resets
        for guess in ("H29-0003", "H29-0004", "H29-0005"):
            assert (await _look(http, guess)).status_code == 404
        locked = await _look(http, DOSSIER["code"])  # even the right code now waits
        assert locked.status_code == 429 and locked.json()["error"]["code"] == "locked-out"
        assert int(locked.headers["retry-after"]) <= 121
        assert (await _look(http, DOSSIER["code"], KIOSK2_TOKEN)).status_code == 200
        clock.moment += timedelta(seconds=121)
        assert (await _look(http, DOSSIER["code"])).status_code == 200


@pytest.mark.parametrize(
    ("kind", "right", "wrong"), [("phone_last4", "5678", "5679"), ("birth_year", "1961", "1962")]
)
async def test_second_factor(make_app: AppFactory, kind: str, right: str, wrong: str) -> None:
    app = make_app(dossier_lookup={"second_factor": kind, "max_misses": 2})
    async with _client(app) as http:
        await _create(http)
        asked = await _look(http, DOSSIER["code"])
        assert asked.status_code == 428
        assert asked.json()["error"]["code"] == "second-factor-required"
        assert asked.headers["x-second-factor-kind"] == kind
        wrong_answer = await _look(http, DOSSIER["code"], factor=wrong)
        # a wrong factor looks exactly like an unknown code
        unknown = await _look(http, "H29-9999", KIOSK2_TOKEN, factor=right)
        assert wrong_answer.status_code == unknown.status_code == 404
        assert wrong_answer.json() == unknown.json()
        assert (await _look(http, DOSSIER["code"], factor=right)).status_code == 200
        # misses of the factor count toward the lockout
        await _look(http, DOSSIER["code"], factor=wrong)
        await _look(http, DOSSIER["code"], factor=wrong)
        assert (await _look(http, DOSSIER["code"], factor=right)).status_code == 429


async def test_nothing_personal_is_logged(
    make_app: AppFactory, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(dossier_lookup={"log_key": "k" * 16})
    async with _client(app) as http:
        with caplog.at_level(logging.DEBUG):
            await _create(http)
            await _look(http, DOSSIER["code"])
            await _look(http, "H29-0001")
    # central's own log (the test's HTTP client logs its URLs: that is not central)
    text = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("central"))
    for secret in ("H29-261120", "Nguyễn", "0912", "5678", "1961", "H29-0001"):
        assert secret not in text
    outcomes = [r.getMessage() for r in caplog.records if "dossier lookup" in r.getMessage()]
    assert len(outcomes) == 2 and "outcome=found" in outcomes[0] and "outcome=miss" in outcomes[1]
    assert "code#=" in outcomes[0]


async def test_a_centre_plugs_in_its_own_adapter(make_app: AppFactory) -> None:
    app = make_app(dossier_lookup={"adapter": "dossier_adapter_example:ProvinceDossiers"})
    async with _client(app) as http:
        found = (await _look(http, "TINH-2026-0001")).json()
        assert found["status"] == "ready" and found["applicant"] == "Phạm T. H."
        assert (await _look(http, "TINH-2026-0002")).status_code == 404
