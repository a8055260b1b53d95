"""The verification step every answer goes through, whoever wrote it: each claim is scored
against each passage it cites, and becomes one citation per marker with the exact span of the
document it points at and whether that passage supports it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..answer.citations import Claim
from ..records import Citation, Hit, SentenceCheck
from .features import says_something
from .gate import Checked, addresses, shows
from .judge import Judge


@dataclass(frozen=True, slots=True)
class Verdict:
    citations: tuple[Citation, ...]
    unsupported: tuple[str, ...]  # claims that no passage they cite supports
    checks: tuple[SentenceCheck, ...]  # one per claim, in order


def verify(
    claims: Sequence[Claim], hits: Sequence[Hit], judge: Judge, *, ground: bool = False
) -> Verdict:
    """Citations for `claims`, whose markers are 1-based indexes into `hits` (checked before).

    A quoted claim (`Claim.span`) cites its own span; a written one cites the sentence of the
    passage closest to it. A citation is verified when the judge finds the passage supports
    the claim (its probability of "unsupported" is below the judge's threshold).

    `ground` (a model's answer; quotes need not): also check each claim against the passages
    it does not cite, to tell a made-up sentence from a true one cited wrongly or not at all,
    and attribute the latter to the passage that supports it best.
    """
    checked = [check(claim, hits, judge, ground=ground) for claim in claims]
    return Verdict(
        tuple(c for _, cited in checked for c in cited),
        tuple(check.text for check, _ in checked if not check.shown),
        tuple(check for check, _ in checked),
    )


def check(
    claim: Claim, hits: Sequence[Hit], judge: Judge, *, ground: bool = False
) -> tuple[SentenceCheck, tuple[Citation, ...]]:
    """One claim against the passages it cites (and, with `ground`, the others): its check
    and one citation per passage it cites, plus the verifier's own when it attributes it."""
    citations = [_cite(claim, n, hits[n - 1], judge) for n in claim.markers]
    backed = any(c.verified for c in citations)
    best = max((c.support for c in citations), default=0.0)
    grounded, attributed = None, None
    if ground:
        grounded = backed
        if not backed:
            others = [n for n in range(1, len(hits) + 1) if n not in claim.markers]
            found = [_cite(claim, n, hits[n - 1], judge, attributed=True) for n in others]
            supporting = [c for c in found if c.verified]
            if supporting:
                grounded = True
                chosen = max(supporting, key=lambda c: c.support)
                attributed = chosen.marker
                citations.append(chosen)
    checked = SentenceCheck(
        claim.text, claim.markers, backed, best, grounded, attributed, says_something(claim.text)
    )
    return checked, tuple(citations)


def _cite(claim: Claim, n: int, hit: Hit, judge: Judge, *, attributed: bool = False) -> Citation:
    verdict = judge.claim(hit.chunk.text, claim.text)
    if claim.span is not None:
        start, end = claim.span
    else:
        start, end = (hit.chunk.start + at for at in verdict.best)
    return Citation(
        marker=n,
        source=hit.source,
        document_id=hit.chunk.document_id,
        page=hit.chunk.page,
        start=start,
        end=end,
        quote=hit.chunk.text[start - hit.chunk.start : end - hit.chunk.start],
        verified=verdict.score < judge.threshold,
        support=1 - verdict.score,
        claim=claim.text,
        attributed=attributed,
    )


def passes(verdict: Verdict, min_supported: float, question: str = "") -> bool:
    """May a model's answer be shown? The gate's rule (gate.py) over its sentences, each
    supported by a passage it cites or one the verifier attributed it to. And at least one
    citation verified: an answer that nothing backs is never shown as an answer."""
    if not any(c.verified for c in verdict.citations):
        return False
    evidence: dict[str, list[str]] = {}
    for citation in verdict.citations:
        if citation.verified:
            evidence.setdefault(citation.claim, []).append(citation.quote)
    return shows(
        [
            Checked(
                c.shown,
                c.says_something,
                addresses(c.text, question, " ".join(evidence.get(c.text, []))),
            )
            for c in verdict.checks
        ],
        min_supported,
    )
