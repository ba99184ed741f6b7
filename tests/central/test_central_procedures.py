"""The procedure catalogue: validation lines, the sample, the endpoint's ETag/304, the public
page, and spreadsheet import/export through the real CLI (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from central_testkit import AppFactory, counter_headers, kiosk_headers

from central.catalogue_io import export_file, import_file
from central.procedures import CatalogueError, read_catalogue_file, validate_catalogue
from central.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "config" / "procedures.yaml"
#: what the issue names: every one of these must be in the sample
ASKED = {
    "ly-lich-tu-phap",
    "khai-sinh",
    "ket-hon",
    "khai-tu",
    "chung-thuc",
    "doi-gplx",
    "cap-lai-gplx",
    "ho-chieu",
    "thuong-tru",
    "tam-tru",
    "cap-lai-can-cuoc",
    "ho-kinh-doanh",
    "giay-phep-xay-dung",
    "so-do",
    "giay-phep-lao-dong",
}


def _sample() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def small_catalogue(tmp_path: Path) -> Path:
    """The sample's procedures of the test centre's two fields (tu-phap, dat-dai)."""
    data = _sample()
    data["procedures"] = [p for p in data["procedures"] if p["field"] in ("tu-phap", "dat-dai")]
    path = tmp_path / "procedures.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_sample_is_valid_complete_and_marked() -> None:
    sim = load_settings(ROOT / "config" / "central.sim.toml")
    procs = read_catalogue_file(
        SAMPLE, fields=[s.code for s in sim.services], counters=[c.code for c in sim.counters]
    )
    assert {p.code for p in procs} >= ASKED and len(procs) >= 15
    for proc in procs:
        assert proc.sample and proc.source and proc.legal_basis, proc.code
        for text in (proc.name, proc.who_may_file, *proc.steps, *(d.name for d in proc.documents)):
            assert set(text) >= {"vi", "en", "ko"}, proc.code
        assert all(proc.synonyms.get(lang) for lang in ("vi", "en", "ko")), proc.code


def test_validation_names_file_procedure_key_and_reason() -> None:
    data = _sample()
    first, second, third = data["procedures"][:3]
    del first["name"]["vi"]
    first["fees"][0]["amount_vnd"] = -5
    second["processing_time"]["unit"] = "weeks"
    third["code"] = first["code"]
    data["procedures"].append({"code": "x"})
    with pytest.raises(CatalogueError) as caught:
        validate_catalogue(data, "f.yaml", fields=["tu-phap"])
    lines = caught.value.problems
    assert "f.yaml: ly-lich-tu-phap: name: a 'vi' text is required" in lines
    assert any(x.startswith("f.yaml: ly-lich-tu-phap: fees.0.amount_vnd: ") for x in lines)
    assert any(x.startswith("f.yaml: khai-sinh: processing_time.unit: ") for x in lines)
    assert "f.yaml: ly-lich-tu-phap: code: used by another procedure" in lines
    assert any(x.startswith("f.yaml: x: code: ") for x in lines)  # too short a code
    assert any(x.startswith("f.yaml: x: steps: ") for x in lines)  # required, missing
    # every line names file, procedure, key and reason
    assert all(len(x.split(": ", 3)) == 4 for x in lines), lines


def test_unknown_field_and_counter() -> None:
    data = _sample()
    data["procedures"][0]["where"]["counters"] = ["Q99"]
    with pytest.raises(CatalogueError) as caught:
        validate_catalogue(data, "f", fields=["tu-phap"], counters=["Q1"])
    assert "f: ly-lich-tu-phap: where.counters: unknown counter 'Q99'" in caught.value.problems
    assert "f: doi-gplx: field: unknown service 'giao-thong-van-tai'" in caught.value.problems


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".yaml"])
def test_round_trip_is_lossless(tmp_path: Path, suffix: str) -> None:
    procs = read_catalogue_file(SAMPLE)
    out = tmp_path / f"catalogue{suffix}"
    export_file(procs, out)
    assert import_file(out) == procs


def test_bad_rows_are_reported_by_number(tmp_path: Path) -> None:
    out = tmp_path / "c.csv"
    export_file(read_catalogue_file(SAMPLE), out)
    with out.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    # edited by hand: an amount in words, a text typed into 'value', an unknown key
    money = next(i for i, r in enumerate(rows) if r[1].endswith("amount_vnd"))
    rows[money][2] = "hai trăm nghìn"
    name = next(i for i, r in enumerate(rows) if r[1] == "name")
    rows[name][2] = "Lý lịch"
    rows.insert(1, ["khai-sinh", "colour", "red", "", "", ""])
    bad = tmp_path / "bad.csv"
    with bad.open("w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream).writerows(rows)
    with pytest.raises(CatalogueError) as caught:
        import_file(bad)
    lines = caught.value.problems
    assert lines[0] == f"{bad}: row 2: khai-sinh: colour: unknown key"
    code = rows[name + 1][0]
    assert lines[1] == (
        f"{bad}: row {name + 2}: {code}: name: a text goes in the language columns, not in 'value'"
    )
    assert lines[2] == (
        f"{bad}: row {money + 2}: {rows[money + 1][0]}: {rows[money + 1][1]}: "
        "'hai trăm nghìn' is not a whole number"
    )


def test_bad_unit_reports_its_row(tmp_path: Path) -> None:
    out = tmp_path / "c.csv"
    export_file(read_catalogue_file(SAMPLE), out)
    with out.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    index = next(i for i, r in enumerate(rows) if r[1] == "processing_time.unit")
    rows[index][2] = "weeks"
    with out.open("w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream).writerows(rows)
    with pytest.raises(CatalogueError) as caught:
        import_file(out)
    assert caught.value.problems[0].startswith(
        f"{out}: row {index + 1}: {rows[index][0]}: processing_time.unit: "
    )


async def test_endpoint_etag_and_304(make_app: AppFactory, small_catalogue: Path) -> None:
    app = make_app(procedures_file=str(small_catalogue))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://c") as http:
        assert (await http.get("/api/v1/procedures")).status_code == 401
        first = await http.get("/api/v1/procedures", headers=kiosk_headers())
        assert first.status_code == 200
        etag = first.headers["etag"]
        codes = [p["code"] for p in first.json()["procedures"]]
        assert codes == [
            "ly-lich-tu-phap",
            "khai-sinh",
            "ket-hon",
            "khai-tu",
            "chung-thuc",
            "so-do",
        ]
        again = await http.get(
            "/api/v1/procedures", headers={**kiosk_headers(), "If-None-Match": etag}
        )
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == etag
        stale = await http.get(
            "/api/v1/procedures", headers={**kiosk_headers(), "If-None-Match": '"old"'}
        )
        assert stale.status_code == 200 and stale.json() == first.json()
        # counters may read it too (their screens show the same facts)
        assert (await http.get("/api/v1/procedures", headers=counter_headers("Q1"))).is_success


async def test_import_changes_the_etag(
    make_app: AppFactory, small_catalogue: Path, database_url: str, tmp_path: Path
) -> None:
    app = make_app(procedures_file=str(small_catalogue))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://c") as http:
        before = await http.get("/api/v1/procedures", headers=kiosk_headers())
        sheet = tmp_path / "edited.xlsx"
        procs = import_file(small_catalogue)
        edited = [
            p.model_copy(update={"sample": False}) if p.code == "khai-sinh" else p for p in procs
        ]
        export_file(edited, sheet)
        settings = tmp_path / "central.toml"
        settings.write_text(_settings_toml(database_url), encoding="utf-8")
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "central.cli",
                "catalogue",
                "import",
                str(sheet),
                "--config",
                str(settings),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        after = await http.get(
            "/api/v1/procedures",
            headers={**kiosk_headers(), "If-None-Match": before.headers["etag"]},
        )
        assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
        birth = next(p for p in after.json()["procedures"] if p["code"] == "khai-sinh")
        assert "sample" not in birth  # false is the default, left out


def _settings_toml(database_url: str) -> str:
    return f"""database_url = "{database_url}"
[[services]]
code = "tu-phap"
prefix = "A"
names = {{ vi = "Tư pháp" }}
[[services]]
code = "dat-dai"
prefix = "D"
names = {{ vi = "Đất đai" }}
[[counters]]
code = "Q1"
name = "Quầy 1"
services = ["tu-phap", "dat-dai"]
token = "test-counter-Q1-token"
"""


def test_cli_refuses_a_bad_sheet_and_changes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("procedure,key,value,vi\nkhai-sinh,fees.1.amount_vnd,abc,\n", encoding="utf-8")
    settings = tmp_path / "central.toml"
    settings.write_text(_settings_toml(f"sqlite:///{tmp_path}/c.db"), encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "central.cli",
            "catalogue",
            "import",
            str(bad),
            "--config",
            str(settings),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert f"{bad}: row 2: khai-sinh: fees.1.amount_vnd: 'abc' is not a whole number" in (
        done.stderr
    )
    assert "nothing imported" in done.stderr


async def test_public_page_in_the_citizens_language(
    make_app: AppFactory, small_catalogue: Path
) -> None:
    app = make_app(procedures_file=str(small_catalogue))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://c") as http:
        vi = await http.get("/p/ly-lich-tu-phap")
        assert vi.status_code == 200 and "Giấy tờ cần mang" in vi.text
        assert "200.000 đồng" in vi.text and "10 ngày làm việc" in vi.text
        ko = await http.get("/p/ly-lich-tu-phap?lang=ko")
        assert "준비 서류" in ko.text and "200,000동" in ko.text
        en = await http.get("/p/khai-sinh", headers={"Accept-Language": "en-GB,en;q=0.9"})
        assert "Documents to bring" in en.text and "Free of charge" in en.text
        assert "Sample information" in en.text
        missing = await http.get("/p/<script>?lang=en")
        assert missing.status_code == 404 and "<script>" not in missing.text
