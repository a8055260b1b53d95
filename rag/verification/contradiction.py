"""Claims that say something else than the very sentence they come from: the same words with a
negation added or dropped, a word turned into its opposite, a number or date changed, or who
does what to whom swapped; and claims that credit a source the context never mentions. Word
overlap passes such a claim, since nearly all of its words are in the context; these checks
look at the passage's sentence that holds the claim's words (its window).

Each check fires only when the window holds most of the claim's content words: then the claim
is about what the window says, and a difference is a change of meaning, not another topic.
How often each fires on real answers (the 2,457 supported / 294 unsupported answers of 43
LLMs to the grounding QA sources, ../shared/data/grounding): negation 23 / 1, changed number
20 / 13, role swap 31 / 2, attribution 12 / 5, opposite 0 / 0. They are for the edits a
lexical judge is blind to; on real answers they are rare, and not free.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..text import lexicon

# A claim is about its window when the window holds this share of its content words (numbers
# left out: a changed number is what one check looks for). A changed number or an opposite
# word is checked from ABOUT on; a negation or a swap, which the words alone do not show,
# only from CLOSE on (a negation phrase by phrase): at ABOUT, the negation check fired on
# 4.5 % of the supported answers (paraphrases: "avoid letting" for "don't allow").
ABOUT = 0.75
CLOSE = 0.9
# Who does what: a subject grafted onto another's predicate is looked for in a claim's first
# content words, clause by clause ("Rinse the chops, then mix the salt" joins two steps,
# each true). Checked along whole claims, it fired on 13 % of the supported answers.
SUBJECT = 4
GAP = 3  # content words between words said "close together"
TAIL = 2  # the predicate grafted on: at least this many content words
_CLAUSE = re.compile(r"[.;:()!?\n]|\b(?:and|then|but|while|whereas|so|which)\b")
# A negation is compared phrase by phrase: "X is not Y, as a 2031 study proved" negates "X is
# Y" whatever it adds after the comma.
_PHRASE = re.compile(_CLAUSE.pattern + "|,")
# Numbers that state nothing about the world: which passage or step is cited, "once".
_NOT_A_NUMBER = re.compile(
    r"\b(?:passages?|sources?|documents?|steps?|paragraphs?)\s+\d+(?:\s*(?:,|and|-)\s*\d+)*"
    r"|\b(?:once|twice)\b",
    re.IGNORECASE,
)
MIN_WORDS = 3  # a claim of fewer content words (a heading) is not checked
# Verbs that negate what follows as "not" does: "avoid letting the soil dry" says what
# "don't allow the soil to dry" says.
SOURCES = frozenset(
    lexicon.stem(w)
    for w in """study studies survey report paper research researchers experiment trial
    scientists experts analysis""".split()
)
# Words about a statement's truth, not its content: "It is not true that X" negates X.
TRUTH = frozenset("true false fact case correct".split())
NOT_ONLY = frozenset("just only merely simply".split())
NEGATING = frozenset("avoid avoiding prevent prevents fail fails lack lacks refrain unable".split())
_YEAR = re.compile(r"^(1[5-9]|20)\d\d$")


@dataclass(frozen=True, slots=True)
class Window:
    """The context's sentence closest to a claim, with the neighbour that adds most of the
    claim's words: a claim often joins two sentences."""

    text: str
    stems: frozenset[str]
    sequences: tuple[tuple[str, ...], ...]  # content stems of each sentence, in order


def content_sequence(text: str) -> tuple[str, ...]:
    return tuple(
        lexicon.stem(w)
        for w in lexicon.words(text)
        if w not in lexicon.STOPWORDS and w not in lexicon.NEGATIONS
    )


def contradiction(
    claim: str, window: Window, context_numbers: frozenset[str], context_stems: frozenset[str]
) -> str:
    """The kind of change the claim makes to its window ("negation", "opposite", "number",
    "role swap"), or that it credits a source the context never mentions ("attribution"), or
    "" when none is found or the claim is not about the window."""
    if claim.rstrip().endswith("?"):
        return ""  # a question states nothing
    sequence = content_sequence(claim)
    stems = {s for s in sequence if not s[:1].isdigit()}
    if _credits_unnamed(claim, stems, context_numbers, context_stems):
        return "attribution"
    if len(stems) < MIN_WORDS:
        return ""
    held = len(stems & window.stems) / len(stems)
    if held < ABOUT:
        return ""
    if _negation_differs(claim, window.text):  # phrase by phrase, each held CLOSE
        return "negation"
    if lexicon.flipped(claim, window.text):
        return "opposite"
    if _changed_number(claim, window.text, context_numbers):
        return "number"
    if held < CLOSE:
        return ""
    clauses = [content_sequence(c) for c in _CLAUSE.split(claim)]
    if any(_swapped(c, stems, window) or _grafted(c, stems, window) for c in clauses):
        return "role swap"
    return ""


def _negation_differs(claim: str, window: str) -> bool:
    """A phrase of the claim that a phrase of the window says nearly word for word, one of
    them negated and the other not: "neural nets do not dominate unstructured data" against
    "neural nets dominate unstructured data". Phrase by phrase, so that a negation elsewhere
    in the window ("...does not come from body fat. ...forces your body to burn fat") does not
    count against a claim that moves it ("You don't burn fat by...")."""
    theirs = [(set(content_sequence(p)) - TRUTH, _negative(p)) for p in _PHRASE.split(window)]
    for phrase in _PHRASE.split(claim):
        stems = set(content_sequence(phrase)) - TRUTH
        if len(stems) < MIN_WORDS:
            continue
        held, negative = max(((len(stems & t), n) for t, n in theirs), key=lambda x: x[0])
        if held >= CLOSE * len(stems) and negative != _negative(phrase):
            return True
    return False


def _negative(clause: str) -> bool:
    """Is the clause negated? "not just" / "not only" ("not just tuition, but also books")
    negates nothing, nor does "without", which takes a noun."""
    words = lexicon.words(clause)
    return any(
        (w in lexicon.NEGATIONS or w in NEGATING or w.endswith("n't"))
        and w != "without"
        and (i + 1 == len(words) or words[i + 1] not in NOT_ONLY)
        for i, w in enumerate(words)
    )


def _changed_number(claim: str, window: str, context_numbers: frozenset[str]) -> bool:
    """The claim states a number the context never does, where its window states another of
    the same kind (a year for a year): "AlexNet (2015)" for "AlexNet (2012)"."""
    stated = _numbers(claim) - context_numbers
    near = _numbers(window)
    return any(any(bool(_YEAR.match(n)) == bool(_YEAR.match(m)) for m in near) for n in stated)


def _credits_unnamed(
    claim: str, stems: set[str], context_numbers: frozenset[str], context_stems: frozenset[str]
) -> bool:
    """The claim credits a study, a report, researchers... that the context never mentions,
    with a name or a number of its own: "..., as a 2031 Microsoft study proved." (On the
    grounding QA answers: 12 of 2,457 supported ones, 5 of 294 unsupported.)"""
    return bool(stems & SOURCES - context_stems) and bool(
        lexicon.names(claim) - context_stems or _numbers(claim) - context_numbers
    )


def _numbers(text: str) -> set[str]:
    """The numbers a text states about the world: not which passage or step it cites
    ("passage 3 explains"), not "once" as in "once the soil is warm"."""
    return lexicon.numbers(_NOT_A_NUMBER.sub(" ", text))


def _swapped(sequence: Sequence[str], claimed: set[str], window: Window) -> bool:
    """Three successive content words of a clause of the claim whose middle word the window
    says after the first and before the third, but each time of something else the claim
    does not name: "tree methods dominate unstructured" from "neural nets dominate
    unstructured data; tree methods dominate tabular data"."""
    triples = {t for s in window.sequences for t in zip(s, s[1:], s[2:], strict=False)}
    for a, b, c in zip(sequence, sequence[1:], sequence[2:], strict=False):
        if len({a, b, c}) < 3 or (a, b, c) in triples or _said_in_order((a, b, c), window):
            continue
        after = {t[2] for t in triples if t[:2] == (a, b)} - claimed
        before = {t[0] for t in triples if t[1:] == (b, c)} - claimed
        # One word both after and before is an aside the claim left out: "the inner
        # cover (or Vivaldi cover) and sugar syrup".
        if _named(after) and _named(before) and not after & before:
            return True
    return False


def _said_in_order(words: Sequence[str], window: Window) -> bool:
    """Does one sentence of the window say `words` in this order, close together (GAP other
    content words at most)? "Reheat the following foods to 165 °F" says reheat-food-165."""
    for sentence in window.sequences:
        for start, word in enumerate(sentence):
            if word != words[0]:
                continue
            found = 1
            for i in range(start + 1, min(len(sentence), start + len(words) + GAP)):
                if sentence[i] == words[found]:
                    found += 1
                    if found == len(words):
                        return True
    return False


def _grafted(sequence: Sequence[str], claimed: set[str], window: Window) -> bool:
    """The claim is one sentence's subject grafted onto another's predicate: its first
    content words run on in one sentence of the window into something the claim does not say,
    and the rest of its words run, in order, in another sentence after something the claim
    does not name. "The mayor approved the budget in March" from "The committee approved the
    budget in March. The mayor vetoed the proposal." A claim that joins a sentence to a
    neighbour about the same thing ("It was trained on two GPUs") has no such subject.
    `sequence`: the content words of one clause of the claim; `claimed`: all of the claim's."""
    for cut in range(1, min(SUBJECT, len(sequence) - TAIL) + 1):
        head, tail = tuple(sequence[:cut]), tuple(sequence[cut:])
        heads = [_after(s, head) for s in window.sequences]
        tails = [_before(s, tail) for s in window.sequences]
        for i, follows in enumerate(heads):
            for j, precedes in enumerate(tails):
                if (
                    i != j
                    and _named(follows - claimed)
                    and _named(precedes - claimed)
                    and not _said_in_order((head[-1], *tail[:2]), window)
                ):
                    return True
    return False


def _named(words: set[str]) -> bool:
    """Some word that names something: a list's "4" before "Serve with rice" does not."""
    return any(not w[:1].isdigit() for w in words)


def _after(sentence: tuple[str, ...], run: tuple[str, ...]) -> set[str]:
    """The words that follow `run` where the sentence says it, word for word."""
    n = len(run)
    return {sentence[i + n] for i in range(len(sentence) - n) if sentence[i : i + n] == run}


def _before(sentence: tuple[str, ...], run: tuple[str, ...]) -> set[str]:
    """The words that precede `run` where the sentence says it, word for word."""
    n = len(run)
    return {sentence[i - 1] for i in range(1, len(sentence) - n + 1) if sentence[i : i + n] == run}
