"""The README's config reference is the one the code generates (no undocumented key)."""

from __future__ import annotations

from kiosk_testkit import ROOT

from kiosk.config_reference import BEGIN, END, markdown_reference


def test_readme_documents_every_config_key() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = readme.index(BEGIN), readme.index(END) + len(END)
    assert readme[start:end] == markdown_reference(), (
        "README.md is out of date: run `kiosk config-reference` and paste it in"
    )
