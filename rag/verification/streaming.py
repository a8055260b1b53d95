"""Verified streaming: a model's text reaches the reader sentence by sentence, each only once
the judge has checked it against the passages it cites.

A sentence is complete when the next one has begun (a marker after its full stop, "... data.
[2]", still belongs to it) or the model has finished. Then it is checked (rag/verification/
verify.py, with attribution: a true sentence the model cited wrongly or not at all cites the
passage that supports it, marked as the verifier's). A supported sentence is released with its
markers; an unsupported one is held back, or released marked as unsupported when the settings
say so. What the model had not finished when it stopped (a token budget reached mid-word) is
never shown, nor is the prompt's worked example echoed back, nor a sentence that says nothing.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass

from ..answer.citations import MARKER, Claim, claims, clean, marker
from ..records import Citation, Hit, SentenceCheck
from ..text.markup import plain
from .judge import Judge
from .verify import Verdict, check

# Characters after which a sentence may have ended: only then is the text split again.
_MAY_END = frozenset(".!?]\n")
# A semicolon closes a whole clause too: the sentence splitter cuts a list ("include: 1) ...;
# 2) ...") there, and an item it verified is not a sentence cut off mid-word.
_ENDS = (".", "!", "?", '"', "”", "'", "’", ")", ";")
UNSUPPORTED_MARK = "(not supported by the passages)"


@dataclass(frozen=True, slots=True)
class Released:
    """What the model wrote and what of it was shown."""

    raw: str  # the model's text as it came
    text: str  # what was released, in order
    verdict: Verdict  # every complete sentence of the model's, checked
    markers: int  # markers the model wrote, valid or not
    dropped_markers: tuple[int, ...]  # those that named no passage it was given
    pieces: int  # deltas streamed (llama.cpp: one token each)
    cut: str = ""  # an unfinished last sentence, never shown
    echoed: int = 0  # sentences copied from the prompt's worked example, never shown

    @property
    def shown_sentences(self) -> tuple[SentenceCheck, ...]:
        return tuple(c for c in self.verdict.checks if c.shown)


class SentenceGate:
    """Releases a model's sentences as they are checked. One per answer (not shared)."""

    def __init__(
        self,
        hits: Sequence[Hit],
        judge: Judge,
        *,
        mark_unsupported: bool = False,
        example: str = "",
    ) -> None:
        self._hits = hits
        self._judge = judge
        self._mark = mark_unsupported
        self._example = {c.text for c in claims(clean(example))} if example else set()
        self._checks: list[SentenceCheck] = []
        self._citations: list[Citation] = []
        self._shown: list[str] = []
        self._echoed = 0

    def stream(self, deltas: Iterable[str]) -> Generator[str, None, Released]:
        """Yield released text as `deltas` arrive; return what was written and shown."""
        parts: list[str] = []
        done = 0  # sentences already checked
        ended = False  # a sentence may have ended since the text was last split
        for delta in deltas:
            parts.append(delta)
            ended = ended or not _MAY_END.isdisjoint(delta)
            if not (ended and any(ch.isalnum() for ch in delta)):
                continue
            # Words after a possible end: split again. The last sentence may go on (or gain
            # a marker); those before it are complete. Until one is, split at each word.
            written = claims(_settled(clean("".join(parts))))
            for claim in written[done : len(written) - 1]:
                yield from self._release(claim)
                done += 1
                ended = False
        raw = "".join(parts)
        text = clean(raw)
        written = claims(text)
        cut = ""
        if written and not ends_a_sentence(text):
            cut = written.pop().text  # the budget ended it mid-sentence
        for claim in written[done:]:
            yield from self._release(claim)
        verdict = Verdict(
            tuple(self._citations),
            tuple(c.text for c in self._checks if not c.shown),
            tuple(self._checks),
        )
        return Released(
            raw=raw,
            text=" ".join(self._shown),
            verdict=verdict,
            markers=len(MARKER.findall(text)),
            dropped_markers=tuple(
                n for n in map(int, MARKER.findall(text)) if not 1 <= n <= len(self._hits)
            ),
            pieces=len(parts),
            cut=cut,
            echoed=self._echoed,
        )

    def _release(self, claim: Claim) -> Generator[str, None, None]:
        if claim.text in self._example:
            self._echoed += 1
            return
        valid = tuple(n for n in claim.markers if 1 <= n <= len(self._hits))
        checked, citations = check(Claim(claim.text, valid), self._hits, self._judge, ground=True)
        self._checks.append(checked)
        # Shown as its words: a model's "**22 June**" would reach the reader with asterisks.
        words = plain(claim.text)
        if checked.shown:
            cited = valid if checked.supported else (checked.attributed,)
            # The answer's sources are the markers the reader sees: a passage the model cited
            # wrongly (the verifier attributed the sentence elsewhere) stays in its check.
            self._citations += [c for c in citations if c.marker in cited]
            text = f"{words} {''.join(marker(n) for n in cited if n is not None)}"
        elif self._mark:
            text = f"{words} {UNSUPPORTED_MARK}"
        else:
            return
        yield text if not self._shown else f" {text}"
        self._shown.append(text)


def _settled(text: str) -> str:
    """`text` without a marker still being written ("... ones. [1"): its digits would read
    as the next sentence beginning, and the sentence before it would lose its marker."""
    opened = text.rfind("[")
    return text[:opened] if opened > text.rfind("]") else text


def ends_a_sentence(text: str) -> bool:
    """Does `text` end a sentence (markers after the full stop aside)?"""
    return MARKER.sub("", text).rstrip().endswith(_ENDS)
