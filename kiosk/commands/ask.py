"""``kiosk ask --lang vi "tôi muốn làm hộ chiếu"``: print the recognised intent as JSON,
with the answer the kiosk would give:
``{"intent": ..., "slots": {...}, "answer": {"text": "...", "procedure": "code-or-null"}}``.

Several sentences in one call are one conversation: a follow-up ("còn lệ phí thì sao?")
keeps the procedure of the question before. ``answer.text`` is what the kiosk says (for
Vietnamese with numbers and dates written out as the voice reads them). For technicians
tuning the catalogue's synonyms and the training sentences. It loads no recognition
model (no vosk import). Procedure names and synonyms come from the procedure catalogue
(``--procedures``, default the bundled ``config/procedures.yaml``); the intent classifier
of that one language trains first (a second or two). The JSON keeps ``intent`` and
``slots`` stable, with ``confidence`` (0..1), ``decision`` (act, confirm, clarify, reject)
and ``choices`` (what a question back offers).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import replace
from pathlib import Path

from kiosk.procedures.answers import Conversation
from kiosk.procedures.model import ProcedureCatalogueError, read_file
from kiosk.procedures.phrasing import ANSWERS
from kiosk.procedures.store import BUNDLED, ProcedureStore
from kiosk.procedures.voice_phrases import with_procedures
from kiosk.voice_dialogue import question_for
from speech.catalogue import DEFAULT_CATALOGUE, load_catalogue
from speech.errors import CatalogueError
from speech.normalize import normalize_for_speech

_LOGGER = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``kiosk ask``."""
    parser = subparsers.add_parser("ask", help="print the intent recognised in a sentence (JSON)")
    parser.add_argument(
        "text", nargs="+", help="what the citizen said (several: one conversation)"
    )
    parser.add_argument("--lang", default="vi", help="language code (vi, en, ko); default vi")
    parser.add_argument(
        "--catalogue", type=Path, default=DEFAULT_CATALOGUE, help="service catalogue TOML"
    )
    parser.add_argument(
        "--cutoff",
        type=float,
        default=80.0,
        help="confidence (50..100) below which an irreversible action is confirmed first",
    )
    parser.add_argument(
        "--procedures", type=Path, default=BUNDLED, help="procedure catalogue (.yaml/.json)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Parse ``args.text`` and print the intent; exit 2 on a bad catalogue or cut-off."""
    if not 50.0 <= args.cutoff <= 100.0:
        print(f"kiosk ask: --cutoff {args.cutoff} is outside 50..100", file=sys.stderr)
        return 2
    try:
        from speech.intents import IntentParser  # scikit-learn: the voice extra
        from speech.training import TRAIN_DIR
    except ModuleNotFoundError as exc:
        print(f"kiosk ask: {exc.name} is not installed: pip install 'kiosk[voice]'",
              file=sys.stderr)
        return 2
    if not (TRAIN_DIR / f"{args.lang}.tsv").is_file():
        known = ", ".join(sorted(p.stem for p in TRAIN_DIR.glob("*.tsv")))
        print(f"kiosk ask: no training sentences for language {args.lang!r} (have {known})",
              file=sys.stderr)
        return 2
    try:
        catalogue = load_catalogue(args.catalogue)
        procedures = read_file(args.procedures)
    except CatalogueError as exc:
        print(f"kiosk ask: {exc}", file=sys.stderr)
        return 2
    except ProcedureCatalogueError as exc:
        for line in exc.problems:
            print(f"kiosk ask: {line}", file=sys.stderr)
        return 2
    store = ProcedureStore(None, args.procedures)
    voice = with_procedures(catalogue, [p.model_dump() for p in procedures])
    parser = IntentParser(voice, cutoff=args.cutoff)

    def field_name(code: str, lang: str) -> str:
        try:
            return catalogue.service(code).name(lang)
        except KeyError:
            return code

    talk = Conversation(store, field_name=field_name)
    texts = args.text if isinstance(args.text, list) else [args.text]
    for text in texts:
        intent = parser.parse(text, args.lang)
        sure = intent.decision in ("act", "confirm")
        answer = talk.answer(intent.name, intent.slots, text, args.lang, sure=sure)
        if intent.decision == "clarify" and intent.choices and answer.text in (
                "", not_understood(args.lang)):
            # what the kiosk says: the question back offering the likely requests
            asked = question_for(intent.choices, args.lang)
            answer = replace(answer, text=asked, spoken=normalize_for_speech(asked, args.lang))
        print(json.dumps({**intent.as_json(), "answer": answer.as_json()}, ensure_ascii=False))
    return 0


def not_understood(lang: str) -> str:
    """What the procedure answers say when nothing was understood, as spoken."""
    text = ANSWERS.get(lang, ANSWERS["vi"])["not_understood"]
    return normalize_for_speech(text, lang)


def main(argv: list[str] | None = None) -> int:
    """Run ``ask`` on its own (``python -m kiosk.commands.ask``), before the lead's CLI wires it."""
    parser = argparse.ArgumentParser(prog="kiosk")
    add_parser(parser.add_subparsers(required=True))
    args = parser.parse_args(["ask", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
