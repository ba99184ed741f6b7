"""Rating from the ticket's page ``/t/{public_id}`` on the citizen's phone, through the real
app on SQLite and PostgreSQL: the form appears once the ticket is served, is posted as a
browser posts it (the form's own action and button values, read from the page), names the
ticket and the counter that served it, and is refused for a ticket not served, rated
already, or served too long ago."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import httpx
from central_testkit import AppFactory, SettableClock, counter_headers, issue, kiosk_headers
from sqlalchemy import select

from central.db import make_engine, ratings


class _Form(HTMLParser):
    """The rating form of a page: its action and the value of each submit button."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.action: str | None = None
        self.method = ""
        self.scores: list[str] = []
        self.labels: list[str] = []
        self._in_label = False
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self.action, self.method = found.get("action"), found.get("method") or ""
        elif tag == "button" and found.get("type") == "submit" and found.get("name") == "score":
            self.scores.append(found.get("value") or "")
        elif tag == "span" and found.get("class") == "face-label":
            self._in_label = True

    def handle_data(self, data: str) -> None:
        if self._in_label:
            self.labels.append(data)
            self._in_label = False


def _http(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://central.test", timeout=10
    )


async def _serve(http: httpx.AsyncClient, counter: str = "Q2") -> dict[str, Any]:
    """Call, start and complete the next ticket at ``counter``."""
    called = await http.post(
        f"/api/v1/counters/{counter}/call-next", headers=counter_headers(counter)
    )
    assert called.status_code == 200, called.text
    ticket: dict[str, Any] = called.json()
    for action in ("start", "complete"):
        done = await http.post(
            f"/api/v1/tickets/{ticket['id']}/{action}", headers=counter_headers(counter)
        )
        assert done.status_code == 200, done.text
    return ticket


async def _rate(http: httpx.AsyncClient, page: str, score: str) -> httpx.Response:
    """Press the face ``score`` of the form on ``page``, as a browser submits it."""
    form = _Form(page)
    assert form.action is not None and form.method == "post" and score in form.scores
    return await http.post(form.action, data={"score": score})


def _stored(database_url: str) -> list[Any]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(select(ratings)).all())
    finally:
        engine.dispose()


async def test_a_served_ticket_is_rated_from_its_page(
    make_app: AppFactory, database_url: str
) -> None:
    async with _http(make_app()) as http:
        ticket = await issue(http, language="en")
        waiting = await http.get(f"/t/{ticket['public_id']}")
        assert _Form(waiting.text).action is None  # nothing to rate before the service
        await _serve(http, "Q2")
        page = await http.get(f"/t/{ticket['public_id']}")
        form = _Form(page.text)
        assert form.scores == ["1", "2", "3", "4", "5"]
        assert form.labels == [
            "Very dissatisfied",
            "Dissatisfied",
            "Neutral",
            "Satisfied",
            "Very satisfied",
        ]
        assert "You were just served at Quầy 2 (number A001)" in page.text
        assert 'http-equiv="refresh"' not in page.text  # no reload under the citizen's thumb
        answer = await _rate(http, page.text, "4")
        assert answer.status_code == 303 and answer.headers["location"] == (
            f"/t/{ticket['public_id']}"
        )
        after = await http.get(answer.headers["location"])
        assert "Thank you for your rating!" in after.text and _Form(after.text).action is None
    [stored] = _stored(database_url)
    assert (stored.ticket_id, stored.counter, stored.score, stored.kiosk_id) == (
        ticket["id"],
        "Q2",
        4,
        "phone",
    )


async def test_a_ticket_is_rated_once_whichever_way_first(
    make_app: AppFactory, database_url: str
) -> None:
    async with _http(make_app()) as http:
        ticket = await issue(http)
        await _serve(http, "Q1")
        page = (await http.get(f"/t/{ticket['public_id']}")).text
        assert (await _rate(http, page, "5")).status_code == 303
        again = await _rate(http, page, "1")  # a second tap, with another face
        assert again.status_code == 409 and "Cảm ơn quý khách đã đánh giá!" in again.text
        kiosk = await http.post(
            "/api/v1/ratings",
            json={"ticket_id": ticket["public_id"], "score": 2, "idempotency_key": "kiosk-0001"},
            headers=kiosk_headers(),
        )
        assert kiosk.status_code == 409 and kiosk.json()["error"]["code"] == "already-rated"
        # and the other way round: rated at the kiosk first, the page only thanks
        other = await issue(http)
        await _serve(http, "Q1")
        kiosk = await http.post(
            "/api/v1/ratings",
            json={"ticket_id": other["id"], "score": 3, "idempotency_key": "kiosk-0002"},
            headers=kiosk_headers(),
        )
        assert kiosk.status_code == 201, kiosk.text
        page = (await http.get(f"/t/{other['public_id']}")).text
        assert _Form(page).action is None and "Cảm ơn quý khách đã đánh giá!" in page
        late = await http.post(f"/t/{other['public_id']}/rating", data={"score": "5"})
        assert late.status_code == 409
    assert sorted(r.score for r in _stored(database_url)) == [3, 5]


async def test_only_a_served_ticket_within_the_window_can_be_rated(
    make_app: AppFactory, clock: SettableClock, database_url: str
) -> None:
    async with _http(make_app()) as http:
        waiting = await issue(http)
        refused = await http.post(f"/t/{waiting['public_id']}/rating", data={"score": "5"})
        assert refused.status_code == 409 and "A001" in refused.text  # the page, as it stands
        served = await issue(http)
        called = await http.post("/api/v1/counters/Q1/call-next", headers=counter_headers("Q1"))
        assert called.json()["id"] == waiting["id"]
        await _serve(http, "Q2")  # the second ticket
        missed = await http.post(f"/t/{waiting['public_id']}/rating", data={"score": "1"})
        assert missed.status_code == 409  # called, never served
        clock.advance(hours=25)  # past pages.phone_rating_hours (24)
        old = await http.get(f"/t/{served['public_id']}")
        assert _Form(old.text).action is None
        late = await http.post(f"/t/{served['public_id']}/rating", data={"score": "5"})
        assert late.status_code == 409
        for bad in ("0", "6", "", "4.5", "<b>"):
            answer = await http.post(f"/t/{served['public_id']}/rating", data={"score": bad})
            assert answer.status_code == 422, bad
        unknown = await http.post("/t/not-a-real-public-id/rating", data={"score": "5"})
        assert unknown.status_code == 404
    assert _stored(database_url) == []


async def test_rating_from_the_phone_can_be_turned_off(make_app: AppFactory) -> None:
    from central_testkit import settings_dict

    pages = {**settings_dict("sqlite://").get("pages", {}), "phone_rating_hours": 0}
    async with _http(make_app(pages=pages)) as http:
        ticket = await issue(http)
        await _serve(http, "Q1")
        page = (await http.get(f"/t/{ticket['public_id']}")).text
        assert _Form(page).action is None
        refused = await http.post(f"/t/{ticket['public_id']}/rating", data={"score": "5"})
        assert refused.status_code == 409


async def test_the_page_escapes_what_it_shows(make_app: AppFactory) -> None:
    async with _http(make_app()) as http:
        ticket = await issue(http)
        await _serve(http, "Q1")
        page = (await http.get(f"/t/{ticket['public_id']}")).text
        # the centre's name has < and &: escaped on the page and inside the form's texts
        assert "Trung tâm &lt;Thử&gt; &amp; nghiệm" in page
        assert not re.search(r"<Thử>", page)
