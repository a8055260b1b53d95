"""The verification step every answer goes through, whoever wrote it: each claim is scored
against each passage it cites, and becomes one citation per marker with the exact span of the
document it points at and whether that passage supports it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .citations import Claim
from .judge import LearnedJudge
from .records import Citation, Hit


@dataclass(frozen=True, slots=True)
class Verdict:
    citations: tuple[Citation, ...]
    unsupported: tuple[str, ...]  # claims that no passage they cite supports


def verify(claims: Sequence[Claim], hits: Sequence[Hit], judge: LearnedJudge) -> Verdict:
    """Citations for `claims`, whose markers are 1-based indexes into `hits` (checked before).

    A quoted claim (`Claim.span`) cites its own span; a written one cites the sentence of the
    passage closest to it. A citation is verified when the judge finds the passage supports
    the claim (its probability of "unsupported" is below the judge's threshold).
    """
    citations: list[Citation] = []
    unsupported: list[str] = []
    for claim in claims:
        backed = False
        for n in claim.markers:
            hit = hits[n - 1]
            verdict = judge.claim(hit.chunk.text, claim.text)
            verified = verdict.score < judge.threshold
            backed = backed or verified
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
    return Verdict(tuple(citations), tuple(unsupported))
