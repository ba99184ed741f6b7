"""The public ticket page: language, escaping, contents."""

from __future__ import annotations

from typing import get_args

import httpx
from central_testkit import counter_headers, issue

from central import procedure_page, public_page
from central.pages.i18n import LANGUAGES, catalogue, check_catalogues
from central.procedures import ProcessingTime
from central.schemas import Ticket


async def test_page_in_ticket_language(client: httpx.AsyncClient) -> None:
    await issue(client)
    ticket = await issue(client, language="ko")
    assert ticket["status_url"] == f"http://central.test/t/{ticket['public_id']}"
    page = await client.get(f"/t/{ticket['public_id']}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<html lang="ko">' in html and '<meta http-equiv="refresh" content="30">' in html
    assert "A002" in html and "사법" in html and "Quầy 1, Quầy 2" in html
    assert "앞 대기 인원</dt><dd>1<" in html and "예상 대기 시간</dt><dd>3분<" in html
    # the centre name holds < and &: escaped, never raw markup
    assert "Trung tâm &lt;Thử&gt; &amp; nghiệm" in html and "<Thử>" not in html
    assert "<script" not in html


async def test_page_falls_back_to_vietnamese_and_shows_called_counter(
    client: httpx.AsyncClient,
) -> None:
    ticket = await issue(client, language="fr")
    await client.post("/api/v1/counters/Q2/call-next", headers=counter_headers("Q2"))
    html = (await client.get(f"/t/{ticket['public_id']}")).text
    assert '<html lang="vi">' in html and "Mời đến quầy" in html
    assert "Quầy</dt><dd>Quầy 2<" in html and "Số người phía trước" not in html


async def test_unknown_page_is_404(client: httpx.AsyncClient) -> None:
    page = await client.get("/t/not-a-real-public-id")
    assert page.status_code == 404 and "Không tìm thấy phiếu" in page.text


def test_public_pages_texts_are_in_every_catalogue() -> None:
    """The ticket and procedure pages take their captions from central's catalogues:
    every key they use exists in vi, en and ko, including every ticket status,
    processing-time unit and way of delivering a result they name."""
    units = get_args(ProcessingTime.model_fields["unit"].annotation)
    named = {key.removeprefix("procedure_page_") for key in procedure_page.KEYS}
    assert {*units, "counter", "post", "online_result"} <= named
    statuses = get_args(Ticket.model_fields["status"].annotation)
    assert {f"ticket_page_status_{s}" for s in statuses} <= set(public_page.KEYS)
    keys = (*public_page.KEYS, *procedure_page.KEYS)
    missing = [f"{lang}: {key}" for lang in LANGUAGES for key in keys if key not in catalogue(lang)]
    assert missing == [] and check_catalogues() == []
    # the citizen is "quý khách" in Vietnamese, never "bạn"
    assert not any("bạn" in catalogue("vi")[key].lower() for key in keys)
