"""Central's face endpoints through the kiosk's own client, on SQLite and PostgreSQL:
enrol, candidates by second factor, match on the kiosk, result, forgetting, expiry, the
audit log, limits and bad input."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from faces_testkit import COUNTER_TOKEN, KIOSK2_TOKEN, KIOSK_TOKEN, auth, record_dossiers
from sqlalchemy import select

from central.faces import face_audit
from kiosk.faces.engine import Encoding
from kiosk.faces.matching import match
from kiosk.faces.wire import FaceService
from kiosk.tickets.client import CentralClient
from kiosk.tickets.errors import CentralRejected

pytestmark = pytest.mark.asyncio


def service(app: Any, token: str = KIOSK_TOKEN) -> FaceService:
    return FaceService(
        CentralClient("http://central.test", token, transport=httpx.ASGITransport(app))
    )


def audit_rows(app: Any) -> list[dict[str, Any]]:
    rows = app.state.store.run_sync(lambda c: c.execute(select(face_audit)).mappings().all())
    return [dict(r) for r in rows]


async def lookup(
    kiosk: FaceService, year: str, probe: Encoding, kind: str = "birth_year"
) -> tuple[str, list[str]]:
    offer = await kiosk.candidates((kind, year))
    if offer.lookup is None:
        return offer.outcome, []
    found = match(probe, offer.candidates, threshold=0.5, margin=0.1)
    return found.outcome, await kiosk.report(offer.lookup, found.outcome, found)


async def test_enrolled_citizen_is_found_and_others_are_not(
    make_central: Any, encodings: dict[str, Encoding]
) -> None:
    app = make_central()
    kiosk = service(app)
    record_dossiers(app, "HS-2026-000123", "HS-2026-000456", birth_year=1961)
    record_dossiers(app, "HS-2026-000789", birth_year=1942)
    await kiosk.enrol(
        ["HS-2026-000123"], ("birth_year", "1961"), encodings["obama_1.jpg"], "vi:2026-11"
    )
    await kiosk.enrol(
        ["HS-2026-000456"], ("birth_year", "1961"), encodings["kit_harington_1.jpg"], "en:2026-11"
    )
    await kiosk.enrol(
        ["HS-2026-000789"], ("birth_year", "1942"), encodings["biden_1.jpg"], "vi:2026-11"
    )
    assert await lookup(kiosk, "1961", encodings["obama_2.jpg"]) == ("match", ["HS-2026-000123"])
    assert await lookup(kiosk, "1961", encodings["kit_harington_2.jpg"]) == (
        "match",
        ["HS-2026-000456"],
    )
    assert await lookup(kiosk, "1961", encodings["alex_lacamoire_1.jpg"]) == ("no-match", [])
    # the right face with the wrong second factor is not even a candidate
    assert await lookup(kiosk, "1962", encodings["obama_2.jpg"]) == ("no-candidates", [])
    assert await lookup(kiosk, "1942", encodings["obama_2.jpg"]) == ("no-match", [])
    actions = [(r["action"], r["outcome"]) for r in audit_rows(app)]
    assert actions.count(("enrol", "ok")) == 3
    assert ("result", "match") in actions and ("result", "no-match") in actions
    assert all(r["actor"] == "kiosk:K1" for r in audit_rows(app))


async def test_a_second_dossier_enrolled_by_the_same_face_joins_its_template(
    make_central: Any, encodings: dict[str, Encoding]
) -> None:
    """Two dossiers enrolled on different days by one citizen (same face, same second factor)
    are one template: the lookup finds both, where two templates of one face would have
    been "ambiguous" and read as a miss. Another citizen of the same factor stays apart."""
    app = make_central()
    kiosk = service(app)
    record_dossiers(app, "HS-2026-000123", "HS-2026-000456", "HS-2026-000999", birth_year=1961)
    one = await kiosk.enrol(
        ["HS-2026-000123"], ("birth_year", "1961"), encodings["obama_1.jpg"], "vi:2026-11"
    )
    other = await kiosk.enrol(
        ["HS-2026-000999"], ("birth_year", "1961"), encodings["biden_1.jpg"], "vi:2026-11"
    )
    again = await kiosk.enrol(  # weeks later, another photo, another dossier
        ["HS-2026-000456"], ("birth_year", "1961"), encodings["obama_2.jpg"], "vi:2026-12"
    )
    assert again.id != one.id
    offer = await kiosk.candidates(("birth_year", "1961"))
    assert sorted(c.id for c in offer.candidates) == sorted([other.id, again.id])
    assert await lookup(kiosk, "1961", encodings["obama_1.jpg"]) == (
        "match",
        ["HS-2026-000123", "HS-2026-000456"],
    )
    assert await lookup(kiosk, "1961", encodings["biden_2.jpg"]) == ("match", ["HS-2026-000999"])
    deletes = [(r["outcome"], r["template_id"]) for r in audit_rows(app) if r["action"] == "delete"]
    assert deletes == [("merged", one.id)]
    # forgetting either dossier forgets the face, as for a template enrolled with both
    assert await kiosk.forget("HS-2026-000123") == 1
    assert await lookup(kiosk, "1961", encodings["obama_2.jpg"]) == ("no-match", [])


async def test_forget_my_face_deletes_at_once(
    make_central: Any, encodings: dict[str, Encoding]
) -> None:
    app = make_central()
    kiosk = service(app)
    record_dossiers(app, "HS-1", "HS-2", phone="+84 903 120 912")
    await kiosk.enrol(
        ["HS-1", "HS-2"], ("phone_last4", "0912"), encodings["rose_leslie_1.jpg"], "ko:2026-11"
    )
    assert await kiosk.forget("hs-2") == 1  # codes are kept upper case, as dossiers are
    assert await lookup(kiosk, "0912", encodings["rose_leslie_2.jpg"], "phone_last4") == (
        "no-candidates",
        [],
    )
    offer = await kiosk.candidates(("phone_last4", "0912"))
    assert offer.candidates == []
    assert await kiosk.forget("HS-2") == 0
    deletes = [r for r in audit_rows(app) if r["action"] == "delete"]
    assert [d["outcome"] for d in deletes] == ["withdrawn", "none"]


async def test_counter_enrols_and_deletes_by_id(
    make_central: Any, encodings: dict[str, Encoding]
) -> None:
    app = make_central()
    counter = service(app, COUNTER_TOKEN)
    record_dossiers(app, "HS-9", birth_year=1950)
    made = await counter.enrol(
        ["HS-9"], ("birth_year", "1950"), encodings["obama_1.jpg"], "vi:2026-11"
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://central.test"
    ) as http:
        refused = await http.delete(f"/api/v1/faces/{made.id}", headers=auth(KIOSK_TOKEN))
        assert refused.status_code == 403
        gone = await http.delete(f"/api/v1/faces/{made.id}", headers=auth(COUNTER_TOKEN))
        assert gone.status_code == 200
        again = await http.delete(f"/api/v1/faces/{made.id}", headers=auth(COUNTER_TOKEN))
        assert again.json()["error"]["code"] == "unknown-template"
    assert audit_rows(app)[0]["actor"] == "counter:Q1"


async def test_template_expires_after_the_last_dossier_closed(
    make_central: Any, encodings: dict[str, Encoding], clock: Any
) -> None:
    app = make_central(retention_days_after_close=30)
    kiosk = service(app)
    record_dossiers(app, "HS-A", "HS-B", birth_year=1961)
    await kiosk.enrol(
        ["HS-A", "HS-B"], ("birth_year", "1961"), encodings["obama_1.jpg"], "vi:2026-11"
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://central.test"
    ) as http:
        closed = await http.post("/api/v1/faces/dossiers/HS-A/closed", headers=auth(COUNTER_TOKEN))
        assert closed.json() == {"templates": 1}
        clock.advance(days=40)
        assert len((await kiosk.candidates(("birth_year", "1961"))).candidates) == 1  # HS-B open
        await http.post("/api/v1/faces/dossiers/HS-B/closed", headers=auth(COUNTER_TOKEN))
    clock.advance(days=29)
    assert len((await kiosk.candidates(("birth_year", "1961"))).candidates) == 1
    clock.advance(days=2)
    assert (await kiosk.candidates(("birth_year", "1961"))).candidates == []
    assert ("delete", "expired") in [(r["action"], r["outcome"]) for r in audit_rows(app)]


async def test_template_expires_at_max_age_whatever_the_dossiers(
    make_central: Any, encodings: dict[str, Encoding], clock: Any
) -> None:
    app = make_central(max_age_days=365)
    kiosk = service(app)
    record_dossiers(app, "HS-A", birth_year=1961)
    await kiosk.enrol(["HS-A"], ("birth_year", "1961"), encodings["obama_1.jpg"], "vi:2026-11")
    clock.advance(days=366)
    assert (await kiosk.candidates(("birth_year", "1961"))).candidates == []


async def test_a_kiosk_resolves_only_its_own_lookup_and_offered_candidates(
    make_central: Any, encodings: dict[str, Encoding]
) -> None:
    app = make_central()
    k1, k2 = service(app), service(app, KIOSK2_TOKEN)
    record_dossiers(app, "HS-1", birth_year=1961)
    record_dossiers(app, "HS-2", birth_year=1970)
    await k1.enrol(["HS-1"], ("birth_year", "1961"), encodings["obama_1.jpg"], "vi:2026-11")
    other = await k1.enrol(
        ["HS-2"], ("birth_year", "1970"), encodings["rose_leslie_1.jpg"], "vi:2026-11"
    )
    offer = await k1.candidates(("birth_year", "1961"))
    assert offer.lookup is not None
    found = match(encodings["obama_2.jpg"], offer.candidates, threshold=0.5, margin=0.1)
    with pytest.raises(CentralRejected) as other_kiosk:
        await k2.report(offer.lookup, "match", found)
    assert other_kiosk.value.code == "unknown-lookup"
    forged = type(found)("match", other.id, 0.1, None)
    with pytest.raises(CentralRejected) as not_offered:
        await k1.report(offer.lookup, "match", forged)
    assert not_offered.value.code == "bad-candidate"
    with pytest.raises(CentralRejected) as used:  # a lookup is resolved once
        await k1.report(offer.lookup, "match", found)
    assert used.value.code == "unknown-lookup"


async def test_too_many_candidates_and_rate_limit(
    make_central: Any, encodings: dict[str, Encoding]
) -> None:
    app = make_central(max_candidates=2, lookups_per_minute=3)
    kiosk = service(app)
    record_dossiers(app, "HS-0", "HS-1", "HS-2", birth_year=1961)
    for i, name in enumerate(["obama_1.jpg", "kit_harington_1.jpg", "rose_leslie_1.jpg"]):
        await kiosk.enrol([f"HS-{i}"], ("birth_year", "1961"), encodings[name], "vi:2026-11")
    offer = await kiosk.candidates(("birth_year", "1961"))
    assert (offer.outcome, offer.lookup, offer.candidates) == ("too-many", None, [])
    await kiosk.candidates(("birth_year", "1962"))
    await kiosk.candidates(("birth_year", "1963"))
    with pytest.raises(CentralRejected) as limited:
        await kiosk.candidates(("birth_year", "1964"))
    assert (limited.value.status, limited.value.code) == (429, "rate-limited")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"factor": {"kind": "birth_year", "value": "61"}}, "bad-factor"),
        ({"factor": {"kind": "birth_year", "value": "１９６１"}}, "bad-factor"),
        ({"factor": {"kind": "phone_last4", "value": "12a4"}}, "bad-factor"),
        ({"factor": {"kind": "name", "value": "Nam"}}, "bad-request"),
        ({"factor": {"kind": "birth_year", "value": "1961"}, "extra": 1}, "bad-request"),
    ],
)
async def test_bad_second_factors_are_named(
    central: httpx.AsyncClient, body: dict[str, Any], code: str
) -> None:
    answer = await central.post("/api/v1/faces/candidates", json=body, headers=auth(KIOSK_TOKEN))
    assert answer.status_code == 422 and answer.json()["error"]["code"] == code


@pytest.mark.parametrize(
    "encoding",
    [[0.0] * 127, [0.0] * 127 + [float("nan")], [0.0] * 127 + [7.0], ["x"] * 128],
)
async def test_bad_encodings_are_refused(central: httpx.AsyncClient, encoding: Any) -> None:
    body = {
        "dossiers": ["HS-1"],
        "factor": {"kind": "birth_year", "value": "1961"},
        "encoding": encoding,
        "consent": "vi:2026-11",
    }
    answer = await central.post(
        "/api/v1/faces",
        content=_json(body),
        headers={**auth(KIOSK_TOKEN), "content-type": "application/json"},
    )
    assert answer.status_code == 422, answer.text


def _json(body: dict[str, Any]) -> bytes:
    import json

    return json.dumps(body, allow_nan=True).encode()


async def test_faces_off_answers_faces_disabled(make_central: Any) -> None:
    app = make_central(key_file=None)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://central.test"
    ) as http:
        answer = await http.post(
            "/api/v1/faces/candidates",
            headers=auth(KIOSK_TOKEN),
            json={"factor": {"kind": "birth_year", "value": "1961"}},
        )
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "faces-disabled"


async def test_expired_templates_are_purged_without_any_face_traffic(
    make_central: Any, encodings: dict[str, Encoding], clock: Any
) -> None:
    from central.face_retention import keep_purging
    from central.faces import face_templates

    app = make_central(max_age_days=1)
    record_dossiers(app, "HS-1", birth_year=1961)
    await service(app).enrol(["HS-1"], ("birth_year", "1961"), encodings["obama_1.jpg"], "vi:1")
    clock.advance(days=2)
    purging = keep_purging(app.state.store, app.state.faces, clock, every_s=0.01)
    try:
        for _ in range(300):
            rows = app.state.store.run_sync(lambda c: c.execute(select(face_templates.c.id)).all())
            if not rows:
                break
            await asyncio.sleep(0.01)
    finally:
        purging.cancel()
    assert rows == []
    assert ("delete", "expired") in [(r["action"], r["outcome"]) for r in audit_rows(app)]


async def test_enrolment_needs_a_real_dossier_and_its_second_factor(
    make_central: Any, encodings: dict[str, Encoding]
) -> None:
    app = make_central()
    kiosk = service(app)
    record_dossiers(app, "HS-2026-000321", birth_year=1961)
    face = encodings["obama_1.jpg"]
    for codes, year in (
        (["HS-2026-000999"], "1961"),
        (["HS-2026-000321"], "1962"),
        (["HS-2026-000321", "HS-2026-000999"], "1961"),
    ):
        with pytest.raises(CentralRejected) as refused:
            await kiosk.enrol(codes, ("birth_year", year), face, "vi:2026-11")
        assert (refused.value.status, refused.value.code) == (404, "unknown-dossier")
    assert (await kiosk.candidates(("birth_year", "1961"))).candidates == []
    made = await kiosk.enrol(["hs-2026-000321"], ("birth_year", "1961"), face, "vi:2026-11")
    assert made.id
    refusals = [r for r in audit_rows(app) if r["outcome"] == "refused"]
    assert len(refusals) == 3 and all("HS-" not in r["detail"] for r in refusals)


async def test_a_dossier_handed_over_at_a_counter_starts_the_face_expiry(
    make_central: Any, encodings: dict[str, Encoding], clock: Any
) -> None:
    app = make_central(retention_days_after_close=30)
    kiosk = service(app)
    record_dossiers(app, "HS-2026-000555", birth_year=1961)
    await kiosk.enrol(
        ["HS-2026-000555"], ("birth_year", "1961"), encodings["obama_1.jpg"], "vi:2026-11"
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://central.test"
    ) as http:
        ready = await http.post(
            "/api/v1/dossiers/HS-2026-000555/status",
            json={"status": "ready"},
            headers=auth(COUNTER_TOKEN),
        )
        assert ready.status_code == 200, ready.text
        clock.advance(days=31)
        assert len((await kiosk.candidates(("birth_year", "1961"))).candidates) == 1  # not closed
        handed = await http.post(
            "/api/v1/dossiers/HS-2026-000555/status",
            json={"status": "returned"},
            headers=auth(COUNTER_TOKEN),
        )
        assert handed.status_code == 200, handed.text
    assert ("expiry", "set") in [(r["action"], r["outcome"]) for r in audit_rows(app)]
    clock.advance(days=29)
    assert len((await kiosk.candidates(("birth_year", "1961"))).candidates) == 1
    clock.advance(days=2)
    assert (await kiosk.candidates(("birth_year", "1961"))).candidates == []
