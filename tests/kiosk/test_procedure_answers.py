"""Voice answers through ``kiosk ask`` (the real command) on citizens' questions and
follow-ups, context expiry, clarifying questions, and what the kiosk says about dossiers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from kiosk.commands.ask import main as ask
from kiosk.procedures.answers import Conversation, dossier_answer
from kiosk.procedures.remote import DossierView
from kiosk.procedures.store import ProcedureStore

QUESTIONS = Path(__file__).parent / "data" / "procedure_questions.yaml"
VOICE = Path(__file__).resolve().parents[2] / "config" / "catalogue.toml"
CASES: dict[str, list[list[dict[str, Any]]]] = yaml.safe_load(QUESTIONS.read_text("utf-8"))


def _ask(capsys: pytest.CaptureFixture[str], lang: str, *texts: str) -> list[dict[str, Any]]:
    assert ask(["--lang", lang, "--catalogue", str(VOICE), *texts]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


@pytest.mark.parametrize("lang", ["vi", "en", "ko"])
def test_questions_and_follow_ups(capsys: pytest.CaptureFixture[str], lang: str) -> None:
    conversations = CASES[lang]
    turns = sum(len(c) for c in conversations)
    assert turns >= 40
    right, wrong = 0, []
    for conversation in conversations:
        outputs = _ask(capsys, lang, *(t["q"] for t in conversation))
        for turn, out in zip(conversation, outputs, strict=True):
            assert set(out) >= {"intent", "slots", "answer"}
            assert set(out["answer"]) >= {"text", "procedure"}
            got = (out["answer"]["procedure"], out["answer"].get("topic"))
            if got == (turn["procedure"], turn["topic"]):
                right += 1
            else:
                wrong.append(f"{turn['q']!r}: {got}")
    # measured with the old phrase matcher 41/41 vi, 40/41 en, 41/41 ko; with issue 10's
    # classifier 38/41 vi, 40/41 en, 38/41 ko, then 41/41 in each once a question's own
    # words counted for more: "how do I" words ask for the overview, one clear candidate
    # of a spoken question is taken (its extra words lower every score, not the gap),
    # Korean endings come off the words searched ("분실했는데"), and the slots of an
    # intent too unsure to act on do not veto them
    assert right / turns >= 0.97, wrong


def test_answer_is_short_key_fact_first_and_spoken(capsys: pytest.CaptureFixture[str]) -> None:
    docs, fee = _ask(capsys, "vi", "làm lý lịch tư pháp cần giấy tờ gì", "còn lệ phí thì sao")
    assert docs["answer"]["text"].startswith("Cấp Phiếu lý lịch tư pháp: quý khách cần mang hai")
    assert "trên màn hình" in docs["answer"]["text"]
    # money in words for the Vietnamese voice, which reads digits badly
    assert "hai trăm nghìn đồng" in fee["answer"]["text"] and "200" not in fee["answer"]["text"]
    (en,) = _ask(capsys, "en", "how long does a passport take")
    assert en["answer"]["text"] == "Ordinary passport takes 8 working days."
    (ko,) = _ask(capsys, "ko", "여권 수수료가 얼마예요")
    assert ko["answer"]["text"] == "일반 여권 발급 수수료는 200,000동입니다."


def test_unknown_procedure_and_bad_catalogue(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (out,) = _ask(capsys, "vi", "lệ phí bao nhiêu")
    assert out["answer"]["procedure"] is None and "thủ tục nào" in out["answer"]["text"]
    bad = tmp_path / "p.yaml"
    bad.write_text("procedures: [{code: x}]", encoding="utf-8")
    assert ask(["--procedures", str(bad), "xin chào"]) == 2
    assert "p.yaml: x: " in capsys.readouterr().err


class Clock:
    """Seconds the test sets by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_context_ends_at_the_idle_timeout() -> None:
    clock = Clock()
    talk = Conversation(ProcedureStore(None), idle_timeout_s=45, clock=clock)
    first = talk.answer("ask_procedure", {"topic": "documents"}, "làm hộ chiếu cần gì", "vi")
    assert first.procedure == "ho-chieu"
    clock.now = 40
    assert talk.answer("ask_procedure", {}, "lệ phí bao nhiêu", "vi").procedure == "ho-chieu"
    clock.now = 40 + 46
    late = talk.answer("ask_procedure", {}, "lệ phí bao nhiêu", "vi")
    assert late.procedure is None


def test_ambiguous_question_offers_at_most_three_choices() -> None:
    talk = Conversation(ProcedureStore(None))
    answer = talk.answer("ask_procedure", {"service": "tu-phap"}, "thủ tục tư pháp", "vi")
    assert answer.procedure is None and 2 <= len(answer.choices) <= 3
    assert answer.text.startswith("Quý khách muốn hỏi thủ tục nào:")
    lost = talk.answer("ask_procedure", {}, "bị mất thì làm lại thế nào", "en")
    assert len(lost.choices) <= 3


def test_where_names_the_counters_in_the_citizens_language() -> None:
    talk = Conversation(ProcedureStore(None), counters_of=lambda _f: ["Quầy 1", "Quầy 2"])
    vi = talk.answer("ask_procedure", {"topic": "where"}, "khai sinh nộp ở đâu", "vi")
    assert vi.text.startswith("Quý khách nộp hồ sơ Đăng ký khai sinh tại Quầy 1 hay Quầy 2.")
    ko = talk.answer("ask_procedure", {"topic": "where"}, "출생신고 어디", "ko")
    assert "1번 창구, 2번 창구" in ko.text


def _view(**changes: Any) -> DossierView:
    base: dict[str, Any] = {
        "code": "H29-0001",
        "procedure": {
            "code": "ho-chieu",
            "names": {"vi": "Cấp hộ chiếu phổ thông", "en": "Ordinary passport"},
        },
        "applicant": "Nguyễn V. A.",
        "status": "in_progress",
        "received_on": "2026-11-20",
        "appointment_on": "2026-12-04",
    }
    return DossierView.model_validate({**base, **changes})


def test_dossier_answers() -> None:
    vi = dossier_answer(_view(), "vi")
    assert vi.text == (
        "Hồ sơ Cấp hộ chiếu phổ thông của Nguyễn V. A. đang được giải quyết. "
        "Ngày hẹn trả kết quả: 04/12/2026."
    )
    assert "bốn tháng mười hai" in vi.spoken  # the date as the voice reads it
    ready = dossier_answer(
        _view(status="ready", pickup={"code": "Q6", "name": "Quầy 6"}, fee_due_vnd=50000), "en"
    )
    assert "Please collect it at Counter 6. Amount still due: 50,000 dong." in ready.text
    missing = dossier_answer(_view(status="needs_documents", missing=["Ảnh 4x6"]), "ko")
    assert "보완 서류: Ảnh 4x6" in missing.text
    late = dossier_answer(_view(status="overdue"), "en")
    assert "apologise" in late.text and "4 December 2026" in late.text


def test_a_spoken_questions_own_words_find_its_procedure() -> None:
    from kiosk.procedures.search import without_endings

    # Korean endings and particles come off the words searched, never below two syllables
    assert without_endings("면허증 분실했는데 어디로 가요") == "면허증 분실 어디 가요"
    assert without_endings("국가 여권은") == "국가 여권"
    talk = Conversation(ProcedureStore(None))
    # one candidate well clear of the rest is taken, though the extra words lower its score
    lost = talk.answer("where_is", {}, "면허증 분실했는데 어디로 가요", "ko")
    assert (lost.procedure, lost.topic) == ("cap-lai-gplx", "where")
    # "how do I" asks for the whole picture of a named procedure, not a ticket
    how = Conversation(ProcedureStore(None)).answer(
        "take_ticket", {"procedure": "cap-lai-can-cuoc"}, "mất căn cước thì làm sao", "vi")
    assert (how.procedure, how.topic) == ("cap-lai-can-cuoc", "overview")
    # ... but "how do I get a number" stays a ticket request
    number = Conversation(ProcedureStore(None)).answer(
        "take_ticket", {}, "lấy số thì làm sao", "vi")
    assert number.topic is None


def test_an_unsure_request_prints_the_question_back(capsys: pytest.CaptureFixture[str]) -> None:
    (out,) = _ask(capsys, "vi", "cho tôi hỏi chút")  # names no request
    assert out["decision"] == "clarify" and 2 <= len(out["choices"]) <= 3
    assert out["answer"]["text"].startswith("Quý khách muốn")  # what the kiosk asks
