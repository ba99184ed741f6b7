"""Intent understanding on the held-out sentences (never trained or tuned on).

For vi, en and ko: intent+slot accuracy, per-intent precision/recall, what the kiosk
would do (act right, wrong action, wrong answer, confirm first, ask back), the expected
calibration error of the confidence (10 bins), training time and parse time. Prints JSON.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from speech.catalogue import load_catalogue  # noqa: E402
from speech.evaluate import Report, correct  # noqa: E402
from speech.intents import IntentParser  # noqa: E402
from speech.training import read_examples  # noqa: E402

HELDOUT = ROOT / "tests" / "speech" / "data" / "heldout"


def _calibration_error(pairs: list[tuple[float, bool]], bins: int = 10) -> float:
    """Expected calibration error: |confidence - accuracy| weighted over confidence bins."""
    total = 0.0
    for index in range(bins):
        low, high = index / bins, (index + 1) / bins
        chosen = [ok for p, ok in pairs if low <= p < high or (index == bins - 1 and p == 1.0)]
        if chosen:
            mean_p = statistics.mean(
                p for p, _ in pairs if low <= p < high or (index == bins - 1 and p == 1.0)
            )
            total += len(chosen) / len(pairs) * abs(mean_p - sum(chosen) / len(chosen))
    return round(total, 3)


def main() -> dict[str, object]:
    parser = IntentParser(load_catalogue())
    results: dict[str, object] = {}
    for lang in ("vi", "en", "ko"):
        started = time.perf_counter()
        parser.warm(lang)
        train_s = time.perf_counter() - started
        report = Report(lang)
        pairs: list[tuple[float, bool]] = []
        parse_ms: list[float] = []
        for example in read_examples(HELDOUT / f"{lang}.tsv"):
            t0 = time.perf_counter()
            got = parser.parse(example.text, lang)
            parse_ms.append((time.perf_counter() - t0) * 1000)
            report.add(example, got)
            pairs.append((got.confidence, correct(got, example)))
        figures = report.as_json()
        figures["calibration_error"] = _calibration_error(pairs)
        figures["train_s"] = round(train_s, 2)
        figures["parse_ms_p50"] = round(statistics.median(parse_ms), 2)
        results[lang] = figures
    return results


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False))
