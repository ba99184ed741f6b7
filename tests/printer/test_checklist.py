"""A procedure's checklist on the ticket printer: raster ESC/POS bytes, Vietnamese drawn in
the bundled fonts, and a QR code that decodes to the procedure's public page in the
citizen's language."""

from __future__ import annotations

import numpy as np
import pytest
import zxingcpp

from drivers.printer.encoder import encode_job
from drivers.printer.escpos_decode import Raster, decode
from kiosk.procedures.checklist import checklist_blocks, checklist_job, render_checklist
from kiosk.procedures.store import ProcedureStore

CENTRE = "Trung tâm Phục vụ hành chính công phường Bến Thành"


@pytest.fixture(scope="module")
def store() -> ProcedureStore:
    return ProcedureStore(None)


@pytest.mark.parametrize("lang", ["vi", "en", "ko"])
def test_checklist_prints_and_its_qr_opens_the_public_page(
    store: ProcedureStore, lang: str
) -> None:
    proc = store.get("ly-lich-tu-phap")
    assert proc is not None
    image = render_checklist(
        proc,
        lang,
        centre=CENTRE,
        counters=["Quầy 1"],
        public_base="http://c.test/",
        width_px=512,
    )
    assert image.mode == "1" and image.width == 512
    found = zxingcpp.read_barcodes(np.array(image.convert("L")))
    assert [b.text for b in found] == [f"http://c.test/p/ly-lich-tu-phap?lang={lang}"]
    data = encode_job(checklist_job(image, proc.code), profile="TM-T88V", width_px=512)
    elements = decode(data)
    assert type(elements[-1]).__name__ == "Cut"
    (raster,) = [e for e in elements if isinstance(e, Raster)]
    # the printer gets exactly the drawn image, and its QR code still reads
    assert raster.image.size == image.size
    printed = zxingcpp.read_barcodes(np.array(raster.image.convert("L")))
    assert [b.text for b in printed] == [f"http://c.test/p/ly-lich-tu-phap?lang={lang}"]


def test_checklist_lists_every_document_with_counts(store: ProcedureStore) -> None:
    proc = store.get("ho-chieu")
    assert proc is not None
    blocks = checklist_blocks(proc, "vi", CENTRE, ["Quầy 6"], "http://c")
    texts = [text for _style, text in blocks]
    assert "Cấp hộ chiếu phổ thông" in texts and "200.000 đồng" in texts
    assert "[ ] 1. Tờ khai đề nghị cấp hộ chiếu (1 bản chính, Mẫu TK01)" in texts
    assert sum(t.startswith("[ ] ") for t in texts) == len(proc.documents)
    assert "8 ngày làm việc" in texts and "Quầy 6" in texts
    assert any("Thông tin mẫu" in t for t in texts)  # the sample is marked as such
    en = [t for _s, t in checklist_blocks(proc, "en", CENTRE, ["Quầy 6"], "http://c")]
    assert "Counter 6" in en and "200,000 dong" in en
