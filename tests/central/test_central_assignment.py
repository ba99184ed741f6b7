"""Counters named at issue time (``counter_assignment = "at_issue"``), through the real app
on SQLite and PostgreSQL: which counter a ticket goes to, who may call it, what happens
when its counter closes, and that a database made before the column existed upgrades.

The centre of ``central_testkit``: tu-phap (A) at Q1 and Q2, dat-dai (D) at Q3.
"""

from __future__ import annotations

from typing import Any

import httpx
from central_testkit import AppFactory, counter_headers, issue, kiosk_headers
from sqlalchemy import inspect

from central.db import make_engine


def _http(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://central.test", timeout=10
    )


async def _post(
    http: httpx.AsyncClient, path: str, counter: str, expect: int = 200
) -> dict[str, Any]:
    response = await http.post(path, headers=counter_headers(counter))
    assert response.status_code == expect, response.text
    body: dict[str, Any] = response.json()
    return body


async def _open(http: httpx.AsyncClient, *counters: str) -> None:
    for code in counters:
        body = await _post(http, f"/api/v1/counters/{code}/open", code)
        assert body["open"] is True


async def _call(http: httpx.AsyncClient, counter: str, expect: int = 200) -> dict[str, Any]:
    return await _post(http, f"/api/v1/counters/{counter}/call-next", counter, expect)


def _assigned(ticket: dict[str, Any]) -> str | None:
    ref = ticket["assigned_counter"]
    return None if ref is None else str(ref["code"])


async def test_at_call_is_the_default_and_names_no_counter(make_app: AppFactory) -> None:
    async with _http(make_app()) as http:
        await _open(http, "Q1", "Q2")
        ticket = await issue(http)
        assert ticket["assigned_counter"] is None
        assert [c["code"] for c in ticket["counters"]] == ["Q1", "Q2"]


async def test_at_issue_spreads_tickets_over_the_open_counters(make_app: AppFactory) -> None:
    async with _http(make_app(counter_assignment="at_issue")) as http:
        early = await issue(http)  # nobody signed in yet: the field calls it
        assert early["assigned_counter"] is None
        await _open(http, "Q1", "Q2")
        tickets = [await issue(http) for _ in range(4)]
        # the fewest assigned and waiting; a tie goes to the counter listed first
        assert [_assigned(t) for t in tickets] == ["Q1", "Q2", "Q1", "Q2"]
        assert tickets[1]["assigned_counter"] == {"code": "Q2", "name": "Quầy 2"}
        land = await issue(http, "dat-dai")
        assert land["assigned_counter"] is None  # Q3 is not open
        # the ticket as central shows it later, and on the citizen's phone page
        again = await http.get(f"/api/v1/tickets/{tickets[1]['id']}", headers=kiosk_headers())
        assert _assigned(again.json()) == "Q2"
        page = await http.get(f"/t/{tickets[1]['public_id']}")
        assert "Quầy 2" in page.text and "Quầy 1" not in page.text


async def test_calling_with_nobody_waiting_opens_the_counter(make_app: AppFactory) -> None:
    """An officer who presses "call next" before anyone came is at the counter: the next
    ticket is assigned to them, though their call found nobody (and rolled back)."""
    async with _http(make_app(counter_assignment="at_issue")) as http:
        nobody = await _call(http, "Q2", expect=404)
        assert nobody["error"]["code"] == "no-ticket-waiting"
        assert _assigned(await issue(http)) == "Q2"
        assert (await _call(http, "Q2"))["number"] == "A001"


async def test_a_counter_calls_its_own_and_the_unassigned_tickets_only(
    make_app: AppFactory,
) -> None:
    async with _http(make_app(counter_assignment="at_issue")) as http:
        early = await issue(http)  # before any counter opened: either may call it
        await _open(http, "Q1", "Q2")
        to_q1, to_q2, to_q1_again = [await issue(http) for _ in range(3)]
        assert (_assigned(to_q1), _assigned(to_q2), _assigned(to_q1_again)) == ("Q1", "Q2", "Q1")
        assert (await _call(http, "Q2"))["id"] == early["id"]
        assert (await _call(http, "Q2"))["id"] == to_q2["id"]
        # Q1's tickets are not Q2's to call while Q1 is open
        none_left = await _call(http, "Q2", expect=404)
        assert none_left["error"]["code"] == "no-ticket-waiting"
        assert (await _call(http, "Q1"))["id"] == to_q1["id"]
        assert (await _call(http, "Q1"))["id"] == to_q1_again["id"]


async def test_priority_order_holds_among_a_counters_tickets(make_app: AppFactory) -> None:
    async with _http(make_app(counter_assignment="at_issue")) as http:
        await _open(http, "Q1", "Q2")
        regular = await issue(http)  # Q1
        await issue(http)  # Q2
        elderly = await issue(http, priority="elderly")  # Q1 (one waiting each: Q1 first)
        assert (_assigned(regular), _assigned(elderly)) == ("Q1", "Q1")
        assert (await _call(http, "Q1"))["id"] == elderly["id"]  # strict policy in the testkit


async def test_a_closing_counter_hands_its_tickets_to_the_open_ones(make_app: AppFactory) -> None:
    async with _http(make_app(counter_assignment="at_issue")) as http:
        await _open(http, "Q1", "Q2")
        tickets = [await issue(http) for _ in range(4)]  # Q1, Q2, Q1, Q2
        closed = await _post(http, "/api/v1/counters/Q2/close", "Q2")
        assert closed == {"counter": "Q2", "open": False, "changed": True}
        moved = [
            (await http.get(f"/api/v1/tickets/{t['id']}", headers=kiosk_headers())).json()
            for t in tickets
        ]
        assert [_assigned(t) for t in moved] == ["Q1", "Q1", "Q1", "Q1"]
        called = [(await _call(http, "Q1"))["id"] for _ in range(4)]
        assert called == [t["id"] for t in tickets]  # everyone keeps their place
        # a closed counter gets no new tickets, and closing twice changes nothing
        assert _assigned(await issue(http)) == "Q1"
        again = await _post(http, "/api/v1/counters/Q2/close", "Q2")
        assert again["changed"] is False


async def test_the_last_open_counter_closing_leaves_its_tickets_to_the_field(
    make_app: AppFactory,
) -> None:
    async with _http(make_app(counter_assignment="at_issue")) as http:
        await _open(http, "Q1")
        first, second = await issue(http), await issue(http)
        assert (_assigned(first), _assigned(second)) == ("Q1", "Q1")
        await _post(http, "/api/v1/counters/Q1/close", "Q1")
        view = (await http.get(f"/api/v1/tickets/{first['id']}", headers=kiosk_headers())).json()
        assert view["assigned_counter"] is None
        # Q2 opens later (by calling): it calls them, in order
        assert (await _call(http, "Q2"))["id"] == first["id"]
        assert (await _call(http, "Q2"))["id"] == second["id"]


async def test_a_new_day_starts_with_every_counter_closed(make_app: AppFactory, clock: Any) -> None:
    async with _http(make_app(counter_assignment="at_issue")) as http:
        await _open(http, "Q1", "Q2")
        assert _assigned(await issue(http)) == "Q1"
        clock.advance(days=1)  # nobody signed out yesterday
        assert (await issue(http))["assigned_counter"] is None
        await _open(http, "Q2")
        assert _assigned(await issue(http)) == "Q2"


async def test_a_counter_left_open_keeps_its_tickets_until_it_closes(
    make_app: AppFactory,
) -> None:
    async with _http(make_app(counter_assignment="at_issue")) as http:
        await _open(http, "Q1")
        held = await issue(http)
        await _open(http, "Q2")
        loose = await issue(http)
        assert (_assigned(held), _assigned(loose)) == ("Q1", "Q2")
        # Q1's officer is away but Q1 is open: its citizen was told Quầy 1, Q2 leaves it
        assert (await _call(http, "Q2"))["id"] == loose["id"]
        await _call(http, "Q2", expect=404)
        await _post(http, "/api/v1/counters/Q1/close", "Q1")
        assert (await _call(http, "Q2"))["id"] == held["id"]


async def test_tickets_of_a_counter_removed_from_the_config_go_to_the_field(
    make_app: AppFactory,
) -> None:
    from central_testkit import settings_dict

    async with _http(make_app(counter_assignment="at_issue")) as http:
        await _open(http, "Q1")
        held = await issue(http)
        assert _assigned(held) == "Q1"
    counters = [c for c in settings_dict("sqlite://")["counters"] if c["code"] != "Q1"]
    async with _http(make_app(counter_assignment="at_issue", counters=counters)) as http:
        view = (await http.get(f"/api/v1/tickets/{held['id']}", headers=kiosk_headers())).json()
        assert view["assigned_counter"] == {"code": "Q1", "name": "Q1"}  # as it was printed
        assert (await _call(http, "Q2"))["id"] == held["id"]


async def test_a_field_may_override_the_centres_policy(make_app: AppFactory) -> None:
    from central_testkit import settings_dict

    services = settings_dict("sqlite://")["services"]
    services[0] = {**services[0], "counter_assignment": "at_call"}
    async with _http(make_app(counter_assignment="at_issue", services=services)) as http:
        await _open(http, "Q1", "Q2", "Q3")
        assert (await issue(http))["assigned_counter"] is None
        land = await issue(http, "dat-dai")
        assert land["assigned_counter"] == {"code": "Q3", "name": "Quầy 3"}


async def test_offline_tickets_have_no_counter(make_app: AppFactory) -> None:
    async with _http(make_app(counter_assignment="at_issue")) as http:
        await _open(http, "Q1", "Q2")
        offline = await issue(
            http,
            offline={"number": "K1-A501", "issued_at": "2026-11-23T07:59:00+07:00"},
        )
        assert offline["assigned_counter"] is None


async def test_a_transferred_ticket_is_assigned_in_its_new_field(make_app: AppFactory) -> None:
    async with _http(make_app(counter_assignment="at_issue")) as http:
        await _open(http, "Q1", "Q3")
        ticket = await issue(http)
        assert _assigned(ticket) == "Q1"
        await _call(http, "Q1")
        response = await http.post(
            f"/api/v1/tickets/{ticket['id']}/transfer",
            json={"service": "dat-dai"},
            headers=counter_headers("Q1"),
        )
        assert response.status_code == 200, response.text
        assert _assigned(response.json()) == "Q3"


async def test_the_counter_page_signs_in_and_out_as_open_and_close(
    make_app: AppFactory,
) -> None:
    async with _http(make_app(counter_assignment="at_issue")) as http:
        assert (await issue(http))["assigned_counter"] is None
        signed = await http.post(
            "/counter/sign-in", data={"counter": "Q2", "secret": "test-counter-Q2-token"}
        )
        assert signed.status_code == 303, signed.text
        held = await issue(http)
        assert _assigned(held) == "Q2"
        out = await http.post("/counter/sign-out")
        assert out.status_code == 303
        view = (await http.get(f"/api/v1/tickets/{held['id']}", headers=kiosk_headers())).json()
        assert view["assigned_counter"] is None


async def test_a_database_from_before_the_column_upgrades(
    make_app: AppFactory, database_url: str
) -> None:
    async with _http(make_app()) as http:
        old = await issue(http)
    engine = make_engine(database_url)
    with engine.begin() as conn:  # the schema as the previous release created it
        conn.exec_driver_sql("DROP INDEX ix_ticket_assigned")
        conn.exec_driver_sql("ALTER TABLE tickets DROP COLUMN assigned_counter")
    assert "assigned_counter" not in {c["name"] for c in inspect(engine).get_columns("tickets")}
    async with _http(make_app(counter_assignment="at_issue")) as http:
        columns = {c["name"] for c in inspect(engine).get_columns("tickets")}
        assert "assigned_counter" in columns
        indexes = {i["name"] for i in inspect(engine).get_indexes("tickets")}
        assert "ix_ticket_assigned" in indexes
        await _open(http, "Q1")
        new = await issue(http)
        assert _assigned(new) == "Q1"
        assert (await _call(http, "Q1"))["id"] == old["id"]  # the old ticket is callable
    engine.dispose()


async def test_people_ahead_are_those_the_same_counter_calls(make_app: AppFactory) -> None:
    async with _http(make_app(counter_assignment="at_issue")) as http:
        early = await issue(http)  # nobody's: ahead of everyone
        await _open(http, "Q1", "Q2")
        tickets = [await issue(http) for _ in range(4)]  # Q1, Q2, Q1, Q2
        assert [_assigned(t) for t in tickets] == ["Q1", "Q2", "Q1", "Q2"]
        assert early["people_ahead"] == 0
        # field-wide they would be 1, 2, 3, 4 ahead; at their own counter 1, 1, 2, 2
        assert [t["people_ahead"] for t in tickets] == [1, 1, 2, 2]
        # one counter calls them: 2 x the default 300 s, not shared by the field's two
        assert tickets[3]["estimated_wait_s"] == 600
        later = (
            await http.get(f"/api/v1/tickets/{tickets[3]['id']}", headers=kiosk_headers())
        ).json()
        assert later["people_ahead"] == 2
