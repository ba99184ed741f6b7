"""Paste the output of `kiosk config-reference` into README.md between its markers."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.config_reference import BEGIN, END, markdown_reference  # noqa: E402

readme = ROOT / "README.md"
text = readme.read_text(encoding="utf-8")
start, end = text.index(BEGIN), text.index(END) + len(END)
readme.write_text(text[:start] + markdown_reference() + text[end:], encoding="utf-8")
