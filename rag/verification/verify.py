"""The verification step every answer goes through, whoever wrote it: each claim is scored
against each passage it cites, and becomes one citation per marker with the exact span of the
document it points at and whether that passage supports it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..answer.citations import Claim
from ..records import Citation, Hit, SentenceCheck
from .judge import LearnedJudge


@dataclass(frozen=True, slots=True)
class Verdict:
    citations: tuple[Citation, ...]
    unsupported: tuple[str, ...]  # claims that no passage they cite supports
    checks: tuple[SentenceCheck, ...]  # one per claim, in order


NO_CLAIMS = Verdict((), (), ())


def verify(
    claims: Sequence[Claim], hits: Sequence[Hit], judge: LearnedJudge, *, ground: bool = False
) -> Verdict:
    """Citations for `claims`, whose markers are 1-based indexes into `hits` (checked before).

    A quoted claim (`Claim.span`) cites its own span; a written one cites the sentence of the
    passage closest to it. A citation is verified when the judge finds the passage supports
    the claim (its probability of "unsupported" is below the judge's threshold).

    `ground`: also check each claim against the passages it does not cite, to tell a made-up
    sentence from a true one cited wrongly or not at all (a model's answer; quotes need not).
    """
    citations: list[Citation] = []
    unsupported: list[str] = []
    checks: list[SentenceCheck] = []
    for claim in claims:
        backed = False
        best = 0.0
        for n in claim.markers:
            hit = hits[n - 1]
            verdict = judge.claim(hit.chunk.text, claim.text)
            verified = verdict.score < judge.threshold
            backed = backed or verified
            best = max(best, 1 - verdict.score)
            if claim.span is not None:
                start, end = claim.span
            else:
                start, end = (hit.chunk.start + at for at in verdict.best)
            citations.append(
                Citation(
                    marker=n,
                    source=hit.source,
                    document_id=hit.chunk.document_id,
                    page=hit.chunk.page,
                    start=start,
                    end=end,
                    quote=hit.chunk.text[start - hit.chunk.start : end - hit.chunk.start],
                    verified=verified,
                    support=1 - verdict.score,
                    claim=claim.text,
                )
            )
        if not backed:
            unsupported.append(claim.text)
        grounded = None
        if ground:
            others = (h for n, h in enumerate(hits, 1) if n not in claim.markers)
            grounded = backed or any(
                judge.claim(h.chunk.text, claim.text).score < judge.threshold for h in others
            )
        checks.append(SentenceCheck(claim.text, claim.markers, backed, best, grounded))
    return Verdict(tuple(citations), tuple(unsupported), tuple(checks))


def passes(verdict: Verdict, min_supported: float) -> bool:
    """May a model's answer be shown? At least `min_supported` of its sentences must be
    supported by a passage they cite, and at least one citation verified: an answer that cites
    nothing it can be checked against is never shown as an answer."""
    if not verdict.checks or not any(c.verified for c in verdict.citations):
        return False
    supported = sum(c.supported for c in verdict.checks)
    return supported >= min_supported * len(verdict.checks)
