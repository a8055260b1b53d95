"""Follow-up questions rewritten into standalone ones before retrieval.

"Why not?" retrieves nothing useful; "Will deep learning be interpretable? Why not?" does.
With an LLM the rewrite is the model's; without one, a rule: a question that leans on the
conversation (a pronoun, or very short) is searched together with the previous question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .generation import Generator, Prompt
from .settings import FollowupSettings

Message = dict[str, str]

_ANAPHORA = frozenset(
    """it its they them their this that these those he she him her his there such one ones why
    how""".split()
)
_REWRITE_PROMPT = (
    "Rewrite the last user question so that it can be understood without the conversation. "
    "Reply with the rewritten question only."
)


def _last_user_question(history: Sequence[Message]) -> str | None:
    return next((m["content"] for m in reversed(history) if m.get("role") == "user"), None)


class FollowupRewriter:
    def __init__(self, settings: FollowupSettings | None = None) -> None:
        self.settings = settings or FollowupSettings()

    def needs_context(self, question: str) -> bool:
        tokens = re.findall(r"[a-z']+", question.lower())
        return len(tokens) <= self.settings.max_words or any(t in _ANAPHORA for t in tokens)

    def standalone(
        self, question: str, history: Sequence[Message], generator: Generator | None = None
    ) -> str:
        """`question` as it can be searched on its own; rewritten by `generator` when given."""
        if not history:
            return question
        if generator is not None:
            return self.llm_rewrite(question, history, generator)
        return self.rule_rewrite(question, history)

    def rule_rewrite(self, question: str, history: Sequence[Message]) -> str:
        previous = _last_user_question(history)
        if previous and self.needs_context(question):
            return f"{previous.strip()} {question.strip()}"
        return question

    def llm_rewrite(self, question: str, history: Sequence[Message], generator: Generator) -> str:
        if not _last_user_question(history) or not self.needs_context(question):
            return question
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
        # A model that rambles or returns nothing is not trusted with retrieval.
        if not rewritten or len(rewritten) > 4 * len(question) + 200:
            return self.rule_rewrite(question, history)
        return rewritten.splitlines()[0]
