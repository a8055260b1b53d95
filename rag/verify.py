"""The verification step every answer goes through, whoever wrote it: each claim is scored
against each passage it cites, and becomes one citation per marker with the exact span of the
document it points at and whether that passage supports it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .citations import Claim
from .records import Citation, Hit
from .support import SupportScorer


@dataclass(frozen=True, slots=True)
class Verdict:
    citations: tuple[Citation, ...]
    unsupported: tuple[str, ...]  # claims that no passage they cite supports


def verify(claims: Sequence[Claim], hits: Sequence[Hit], scorer: SupportScorer) -> Verdict:
    """Citations for `claims`, whose markers are 1-based indexes into `hits` (checked before).

    A quoted claim (`Claim.span`) cites its own span; a written one cites the sentence of the
    passage that supports it best.
    """
    citations: list[Citation] = []
    unsupported: list[str] = []
    for claim in claims:
        backed = False
        for n in claim.markers:
            hit = hits[n - 1]
            support = scorer.support(claim.text, hit.chunk.text)
            verified = support.score >= scorer.threshold
            backed = backed or verified
            if claim.span is not None:
                start, end = claim.span
            else:
                start, end = hit.chunk.start + support.start, hit.chunk.start + support.end
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
                    support=support.score,
                    claim=claim.text,
                )
            )
        if not backed:
            unsupported.append(claim.text)
    return Verdict(tuple(citations), tuple(unsupported))
