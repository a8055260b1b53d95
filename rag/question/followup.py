"""Follow-up questions rewritten into standalone ones before retrieval, and only those.

"Why not?" retrieves nothing useful; "Will deep learning be interpretable? Why not?" does.
But "Why do tree-based methods beat neural networks?" after a question about program synthesis
must be searched as it is: gluing the earlier question on drags its passages into the answer.

So rewriting is a decision about the question. It is rewritten when it cannot stand alone:
- a fragment: "Why not?", "And the optimists?", "Any examples?";
- a word that points at something named nowhere before it in the question: "How does *it*
  differ from machine learning?", "What does *he* think about specialist training?";
- a word that may point back though the question names things before it ("Does the brain
  approximate *it*?"), when the question retrieves too little evidence to be answered alone
  (the abstention gate, rag/question/gate.py) and enough together with the one before.
"Is it possible to ...", "Is there a theory ...", "Who said that we ..." and "Do models
understand *their* input?" stand alone.

With an LLM the rewrite itself is the model's; without one, the question is searched together
with the one before it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..models import Prompt, TextModel
from ..settings import FollowupSettings
from ..text import lexicon

Message = dict[str, str]

# Words that point at something named elsewhere. "that" and "there" only in some positions
# (see _refers); "one" is left out: "one camp", "one universal recipe" name what they count.
_POINTERS = frozenset("they them their theirs he him his she her this these those".split())
_BE = frozenset("is are was were be been being will 's".split())
_AFTER_POINTING_THAT = frozenset("does did do is was about of with by to from like".split())
_AUXILIARIES = frozenset(
    """is are was were do does did can could will would should shall may might must has have
    had""".split()
)
_QUESTION_START = frozenset("what which who whom whose when where why how".split()) | _AUXILIARIES
# Openings that continue the conversation: "And the optimists?", "What about tabular data?"
_CONTINUES = re.compile(r"^\W*(?:and|but|also|what about|how about)\b", re.IGNORECASE)

Answerable = Callable[[str], bool]


def _last_user_question(history: Sequence[Message]) -> str | None:
    return next((m["content"] for m in reversed(history) if m.get("role") == "user"), None)


def is_fragment(question: str, max_words: int = 3) -> bool:
    """Cannot be a question on its own: no content word ("Why not?", "How so?"), an opening
    that continues the conversation, or a few words that do not open like a question."""
    tokens = lexicon.words(question)
    if not tokens or not lexicon.content_stems(question) or _CONTINUES.match(question):
        return True
    return len(tokens) <= max_words and tokens[0] not in _QUESTION_START


def pointers(question: str) -> tuple[bool, bool]:
    """(points, unresolved): does the question hold a word that points at something named
    elsewhere, and does one of them have nothing before it in the question to point at?
    "How can *it* make backprop more efficient?" names nothing before "it"; "Do deep learning
    models understand *their* input?" does."""
    tokens = lexicon.words(question)
    points = False
    for i in range(len(tokens)):
        if _points(tokens, i):
            points = True
            named = [t for t in tokens[_opening(tokens) : i] if t not in lexicon.STOPWORDS]
            if len(named) < 2:
                return True, True
    return points, False


def _points(tokens: Sequence[str], i: int) -> bool:
    token, before, after = tokens[i], tokens[i - 1] if i else "", tokens[i + 1 : i + 4]
    last = i == len(tokens) - 1
    if token in ("it", "its"):
        # "Is it possible to ...", "Is it true that ...": it points forward.
        return "to" not in after and "that" not in after
    if token == "that":  # "Why is that?", "Why does that happen?", not "said that we ..."
        return last or before in _AFTER_POINTING_THAT
    if token == "there":  # "What happens there?", not "Is there a theory ...?"
        return last or not (before in _BE or (bool(after) and after[0] in _BE))
    return token in _POINTERS


def _opening(tokens: Sequence[str]) -> int:
    """Where the question proper starts: after "What strengths does", "How can", "Do"."""
    if tokens and tokens[0] in _AUXILIARIES:
        return 1
    if tokens and tokens[0] in _QUESTION_START:
        return next((i + 1 for i, t in enumerate(tokens) if t in _AUXILIARIES), 1)
    return 0


_REWRITE_PROMPT = (
    "Rewrite the last user question so that it can be understood without the conversation. "
    "Reply with the rewritten question only."
)


class FollowupRewriter:
    def __init__(
        self, settings: FollowupSettings | None = None, answerable: Answerable | None = None
    ) -> None:
        self.settings = settings or FollowupSettings()
        # Do the passages a question retrieves hold enough evidence to answer it (the
        # abstention gate)? Without it, a question that only may point back is kept.
        self._answerable = answerable

    def needs_context(self, question: str, previous: str) -> bool:
        """Should `question`, asked after `previous`, be searched together with it?"""
        if is_fragment(question, self.settings.max_words):
            return True
        points, unresolved = pointers(question)
        if unresolved or not points:
            return unresolved
        # It points back, but may mean something it names itself: rewritten only when it
        # retrieves too little to answer alone and enough with the question before it.
        if self._answerable is None:
            return False
        return not self._answerable(question) and self._answerable(_joined(previous, question))

    def standalone(
        self, question: str, history: Sequence[Message], generator: TextModel | None = None
    ) -> str:
        """`question` as it can be searched on its own: itself when it stands alone, else
        rewritten by `generator` when given, or joined to the question before it."""
        previous = _last_user_question(history)
        if not previous or not self.needs_context(question, previous):
            return question
        if generator is not None:
            return self.llm_rewrite(question, history, generator)
        return _joined(previous, question)

    def llm_rewrite(self, question: str, history: Sequence[Message], generator: TextModel) -> str:
        turns = "\n".join(
            f"{m['role']}: {m['content']}" for m in history[-self.settings.history_messages :]
        )
        prompt = Prompt(
            _REWRITE_PROMPT,
            f"Conversation:\n{turns}\n\nLast question: {question}",
            cue="Rewritten question:",
            stop=("\n",),
        )
        rewritten = "".join(
            generator.stream(prompt, max_tokens=self.settings.max_tokens, temperature=0.0)
        ).strip()
        previous = _last_user_question(history) or ""
        rewritten = rewritten.splitlines()[0].strip() if rewritten else ""
        if not good_rewrite(rewritten, question, history):
            return _joined(previous, question)
        return rewritten


def good_rewrite(rewritten: str, question: str, history: Sequence[Message]) -> bool:
    """May `rewritten` be searched for the follow-up `question`? It must be a question (a
    small model often returns an earlier answer, or a copy of it, instead), not much longer
    than one, and bring in something of the conversation that `question` lacked (an echo of
    the question resolved nothing)."""
    previous = _last_user_question(history) or ""
    brought = lexicon.content_stems(previous) - lexicon.content_stems(question)
    words = lexicon.content_stems(rewritten)
    answers = [m["content"] for m in history if m.get("role") == "assistant"]
    return (
        rewritten.rstrip().endswith("?")
        and len(rewritten) <= 4 * len(question) + 200
        and bool(brought & words)
        and not any(
            _copies(rewritten, words, answer, previous + " " + question) for answer in answers
        )
    )


def _copies(rewritten: str, words: set[str], answer: str, asked: str) -> bool:
    """Is `rewritten` a piece of `answer` rather than a question about it: in it word for
    word, or its words nearly all the answer's and mostly not the user's?"""
    if rewritten.rstrip("?").strip() in answer:
        return True
    from_answer = lexicon.coverage(words, lexicon.content_stems(answer))
    from_user = lexicon.coverage(words, lexicon.content_stems(asked))
    return from_answer >= 0.8 and from_user < 0.5


def _joined(previous: str, question: str) -> str:
    return f"{previous.strip()} {question.strip()}".strip()
