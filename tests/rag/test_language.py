"""Questions in a language the index's embedding model cannot read get a message that says so,
instead of "nothing in them is relevant"; English questions are never called foreign. (No
multilingual embedding model installs offline here: a multilingual index is tested by its
model's name, which is what the check reads.)"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from eval.datasets import DEFAULT_CONVERSATIONS, DEFAULT_QA
from rag import Assistant
from rag.assistant import ABSTAIN_NO_EVIDENCE
from rag.question import LanguageCheck, english_only
from rag.question.language import MULTILINGUAL_EXAMPLE, foreign

SPANISH = (
    "¿Por qué los métodos basados en árboles siguen superando a las redes neuronales en "
    "datos tabulares?"
)
FOREIGN = {
    SPANISH: "es",
    "Pourquoi les méthodes à base d'arbres battent-elles encore les réseaux de neurones ?": "fr",
    "为什么基于树的方法在表格数据上仍然优于神经网络？": "zh",
    "Warum sind baumbasierte Methoden bei Tabellendaten noch besser?": "de",
    "Почему деревья решений лучше нейронных сетей на табличных данных?": "ru",
    "¿Qué es la síntesis de programas?": "es",  # short: Extremaduran among all 97 languages
    "Il deep learning sarà interpretabile?": "it",
}


def english_questions() -> list[str]:
    questions = []
    for path in (DEFAULT_QA, DEFAULT_CONVERSATIONS):
        for line in path.read_text().splitlines():
            row = json.loads(line)
            questions += [row["question"], *row.get("history", [])]
    # Short follow-ups and names, where language identification errs most.
    return [*questions, "Why not?", "Who is LeCun?", "And Bengio?", "GPT-4?", "Transformers?"]


@pytest.mark.parametrize(("question", "code"), FOREIGN.items())
def test_questions_in_other_languages_are_recognised(question: str, code: str) -> None:
    language = foreign(question)
    assert language is not None and language.code == code


def test_no_english_question_of_the_eval_sets_is_called_foreign() -> None:
    questions = english_questions()
    assert len(questions) > 70
    assert [q for q in questions if foreign(q) is not None] == []


def test_only_english_only_models_are_checked() -> None:
    assert english_only("sentence-transformers/all-MiniLM-L6-v2")
    assert not english_only(MULTILINGUAL_EXAMPLE)
    assert LanguageCheck(MULTILINGUAL_EXAMPLE).unserved(SPANISH) is None
    assert LanguageCheck("all-MiniLM-L6-v2").unserved(SPANISH) is not None


def test_a_spanish_question_is_told_why_nothing_matched(assistant: Assistant) -> None:
    answer = assistant.ask(SPANISH)
    assert answer.mode == "abstained" and answer.citations == ()
    assert "looks like Spanish" in answer.text and "reads English only" in answer.text
    assert f"--embedding-model {MULTILINGUAL_EXAMPLE} --rebuild" in answer.text
    # An English question the documents don't cover still gets the plain message.
    assert assistant.ask("What is the capital of Australia?").text == ABSTAIN_NO_EVIDENCE


def test_an_answer_found_anyway_carries_a_language_notice(assistant: Assistant) -> None:
    answer = assistant.ask("Pourquoi le deep learning n'est-il pas interprétable ?")
    assert answer.mode == "extractive"
    assert answer.notice.startswith("Your question looks like French;")


def test_the_check_is_safe_under_threads() -> None:
    questions = [*FOREIGN, *english_questions()[:40]] * 3
    alone = [foreign(q) for q in questions]
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(foreign, questions)) == alone
