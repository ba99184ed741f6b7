"""Procedure information on the kiosk: Telex, search, the catalogue store (central's copy,
the cache, the bundled file) against the real central app, and dossier look-ups through
the kiosk's client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from kiosk_testkit import ROOT, TOKENS

from central.settings import CentralSettings
from kiosk.procedures.model import ProcedureCatalogueError, parse_document, read_file
from kiosk.procedures.remote import ProcedureRemote, RemoteError
from kiosk.procedures.search import ProcedureIndex, fold
from kiosk.procedures.store import BUNDLED, CACHE_NAME, ProcedureStore
from kiosk.procedures.telex import compose
from kiosk.procedures.voice_phrases import procedure_phrases, with_procedures
from speech.catalogue import load_catalogue


@pytest.mark.parametrize(
    ("keys", "text"),
    [
        ("lys lichj tuw phaps", "lý lịch tư pháp"),
        ("ddawng kys khai sinh", "đăng ký khai sinh"),
        ("hooj chieeus", "hộ chiếu"),
        ("nguoiwf", "người"),
        ("Nguyeenx Vawn An", "Nguyễn Văn An"),
        ("giaays pheps xaay duwngj", "giấy phép xây dựng"),
        ("cawn cuwowcs", "căn cước"),
        ("hoaf", "hòa"),
        ("hoangf", "hoàng"),
        ("giuwax", "giữa"),
        ("quyeens", "quyến"),
        ("buss", "bus"),  # the tone key twice: the letter itself
        ("sooj ddor", "sộ đỏ"),
        ("tuwf", "từ"),
        ("casz", "ca"),  # z takes the tone away
    ],
)
def test_telex(keys: str, text: str) -> None:
    assert compose(keys) == text


def test_fold() -> None:
    assert fold("Đăng ký KHAI SINH!") == "dang ky khai sinh"
    assert fold("출생") != "출생" and len(fold("출생")) > 2  # jamo: a typo costs a letter


@pytest.fixture(scope="module")
def index() -> ProcedureIndex:
    return ProcedureIndex(read_file(BUNDLED))


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("ly lich tu phap", "ly-lich-tu-phap"),  # no tone marks
        ("lys lichj tuw phaps", "ly-lich-tu-phap"),  # raw Telex
        ("ly lick tu phap", "ly-lich-tu-phap"),  # a typo
        ("doi bang lai", "doi-gplx"),
        ("mat bang lai", "cap-lai-gplx"),
        ("tạm chú", "tam-tru"),  # misspelt
        ("pasport", "ho-chieu"),
        ("여건 갱신", "ho-chieu"),  # Korean typo
        ("혼인신거", "ket-hon"),
        ("làm khai sinh cần giấy tờ gì", "khai-sinh"),  # a whole question
    ],
)
def test_search_best_match_first(index: ProcedureIndex, query: str, code: str) -> None:
    assert index.search(query)[0].code == code


def test_search_finds_nothing_for_nonsense(index: ProcedureIndex) -> None:
    assert index.search("xyzzy qwerty") == []
    assert index.search("") == []


def test_kiosk_side_validation_lines() -> None:
    with pytest.raises(ProcedureCatalogueError) as caught:
        parse_document(
            {"procedures": [{"code": "a-b", "field": "x", "name": {"en": "A"}}, "junk"]}, "wire"
        )
    lines = caught.value.problems
    assert any(line.startswith("wire: a-b: steps: ") for line in lines)
    assert any(line.startswith("wire: #2: ") for line in lines)
    with pytest.raises(ProcedureCatalogueError):
        parse_document(["not", "a", "catalogue"], "wire")


def _remote(transport: httpx.AsyncBaseTransport, token: str = TOKENS["K1"]) -> ProcedureRemote:
    return ProcedureRemote("http://central.test", token, transport=transport)


async def test_store_prefers_central_then_cache_then_bundled(
    tmp_path: Path, asgi_transport: httpx.ASGITransport
) -> None:
    state = tmp_path / "state"
    store = ProcedureStore(state)
    assert store.origin == "bundled" and len(store.procedures) >= 15
    remote = _remote(asgi_transport)
    assert await store.refresh(remote) is True
    assert store.origin == "central" and store.etag
    saved = json.loads((state / CACHE_NAME).read_text(encoding="utf-8"))
    assert saved["etag"] == store.etag
    assert await store.refresh(remote) is False  # 304: nothing downloaded again
    await remote.close()
    # restarted while central is down: the cache answers
    down = ProcedureRemote("http://127.0.0.1:9", TOKENS["K1"], timeout_s=0.3)
    again = ProcedureStore(state)
    assert again.origin == "cache" and again.etag == store.etag
    assert await again.refresh(down) is False and again.origin == "cache"
    await down.close()
    # a cache damaged on disk: the bundled copy, and a line in the log
    (state / CACHE_NAME).write_text("{not json", encoding="utf-8")
    assert ProcedureStore(state).origin == "bundled"


async def test_store_keeps_its_catalogue_when_central_sends_garbage(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, json={"format": 1, "procedures": [{"code": "!!"}]}, headers={"ETag": '"x"'}
        )

    store = ProcedureStore(tmp_path)
    remote = ProcedureRemote("http://c", "t", transport=httpx.MockTransport(handler))
    assert await store.refresh(remote) is False
    assert store.origin == "bundled" and "khai-sinh" in store.procedures
    await remote.close()


def test_voice_phrases_come_from_the_procedure_catalogue() -> None:
    procs = [p.model_dump() for p in read_file(BUNDLED)]
    phrases = procedure_phrases(procs)
    assert phrases["vi"]["so-do"][0] == "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu"
    assert "làm sổ đỏ" in phrases["vi"]["so-do"] and "여권" in phrases["ko"]["ho-chieu"]
    merged = with_procedures(load_catalogue(ROOT / "config" / "catalogue.toml"), procs)
    police = merged.service("cong-an")
    assert {p.code for p in police.procedures} == {"thuong-tru", "tam-tru", "cap-lai-can-cuoc"}


async def _counter(app_transport: httpx.ASGITransport, body: dict[str, Any], path: str) -> None:
    async with httpx.AsyncClient(transport=app_transport, base_url="http://c") as http:
        response = await http.post(
            path, json=body, headers={"Authorization": "Bearer sim-counter-Q1-token-0000"}
        )
        assert response.is_success, response.text


async def test_dossier_lookup_through_the_client(
    asgi_transport: httpx.ASGITransport, central_settings: CentralSettings
) -> None:
    code = "000.00.12.H29-261120-0042"
    await _counter(
        asgi_transport,
        {
            "code": code,
            "applicant_name": "Trần Thị Bích",
            "received_on": "2026-11-20",
            "procedure": "ho-chieu",
            "appointment_on": "2030-01-02",
        },
        "/api/v1/dossiers",
    )
    remote = _remote(asgi_transport)
    view = await remote.dossier(code)
    assert view.applicant == "Trần T. B." and view.status == "received"
    assert view.procedure_name("en") == "Ordinary passport"
    with pytest.raises(RemoteError) as missing:
        await remote.dossier("H29-0000")
    assert missing.value.code == "unknown-dossier" and missing.value.status == 404
    for hostile in ("http://evil/x", "'; DROP TABLE", "../../etc/passwd", "A" * 200, ""):
        with pytest.raises(RemoteError) as refused:
            await remote.dossier(hostile)
        assert refused.value.code == "bad-request"  # refused here, never sent
    await remote.close()
