"""Basic accessibility of every page of central, checked by axe-core (Deque's engine,
the reference tool, fetched from npm by ``scripts/setup.sh dev``) in Debian's chromium:
WCAG 2.1 A and AA rules (contrast, labels, names of buttons, language of the page,
landmarks...) in Vietnamese, English and Korean, at 1366x768 and at phone size."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from central.process import CentralProcess
from central.screenshots import seed

from .conftest import DISPLAY_TOKEN, MANAGER_TOKEN

AXE = Path(os.environ.get("AXE_CORE_JS", Path(sys.prefix) / "share/axe-core/axe.min.js"))
RULES = "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}"
SIZES = {"office": (1366, 768), "phone": (390, 844)}


def _violations(page: Any, source: str) -> list[str]:
    page.add_script_tag(content=source)
    found: list[str] = page.evaluate(
        f"axe.run(document, {RULES}).then(r => r.violations.map(v => v.id + ' (' + v.impact"
        " + '): ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')))"
    )
    return found


@pytest.mark.parametrize("size", sorted(SIZES))
def test_every_page_passes_axe(central: CentralProcess, browser: Any, size: str) -> None:
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} missing: scripts/setup.sh dev fetches axe-core")
        pytest.skip(f"{AXE} missing: scripts/setup.sh dev fetches axe-core")
    source = AXE.read_text(encoding="utf-8")
    seed(central.url)
    width, height = SIZES[size]
    problems: dict[str, list[str]] = {}
    for lang in ("vi", "en", "ko"):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(f"{central.url}/counter/?lang={lang}")
        problems[f"counter-signin-{lang}"] = _violations(page, source)
        page.select_option("#counter", "Q1")
        page.fill("#secret", "1001")
        page.click("button[type=submit]")
        page.wait_for_selector("#panel")
        problems[f"counter-{lang}"] = _violations(page, source)
        page.goto(f"{central.url}/display/?token={DISPLAY_TOKEN}&lang={lang}")
        page.wait_for_selector("#current td")
        problems[f"display-{lang}"] = _violations(page, source)
        page.goto(f"{central.url}/rate/Q2?token={DISPLAY_TOKEN}&lang={lang}")
        page.wait_for_selector("#ask:not([hidden])")
        problems[f"rate-{lang}"] = _violations(page, source)
        page.goto(f"{central.url}/reports/ratings?lang={lang}")
        page.fill("#secret", MANAGER_TOKEN)
        page.click("button[type=submit]")
        page.wait_for_selector("table.report")
        problems[f"reports-{lang}"] = _violations(page, source)
        context.close()
    assert {name: found for name, found in problems.items() if found} == {}


def test_axe_catches_what_it_should(browser: Any) -> None:
    """The checker is live: an unlabelled field and grey-on-grey text are reported."""
    if not AXE.is_file():
        pytest.skip(f"{AXE} missing: scripts/setup.sh dev fetches axe-core")
    page = browser.new_page()
    page.set_content(
        '<html lang="vi"><head><title>x</title></head><body><main><input id="pin">'
        '<p style="color:#999;background:#aaa">Mời số</p></main></body></html>'
    )
    found = " ".join(_violations(page, AXE.read_text(encoding="utf-8")))
    assert "label" in found and "color-contrast" in found
