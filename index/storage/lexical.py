"""Which of a question's words the BM25 search (SQLite FTS5) looks for.

FTS5 scores every row that matches any word of an OR query before it can return the best k,
so the cost of a query is the number of postings of its words. "What is the universal recipe
for efficiency?" OR-ed whole matches nearly every chunk through "what", "is", "the" and "for":
87 ms at 100k chunks, almost all of it ranking rows whose only match is a function word, which
BM25 gives next to no weight anyway (idf ~ log(N / df)). So the query leaves out function words,
and when its words still have more postings than `POSTINGS_BUDGET` it drops the most common ones
(counted by FTS5 itself), rarest first kept, at least one: the rare words decide
BM25's ranking, the common ones only make it slow. A small index is searched for all of its
content words, exactly as before.
"""

from __future__ import annotations

import re

# English function words: never worth a posting list. (rag.lexicon uses the same list.)
STOPWORDS = frozenset(
    """a an the and or but if then else of to in on at by for with from as is are was were be
    been being it its this that these those there here they them their he she his her we our
    you your i me my do does did so such than too very can could should would will may might
    must about into over under more most some any all each other also just only what which who
    whom whose when where why how not no""".split()
)
# Postings a query may rank: FTS5's bm25() costs ~0.8 µs a row here, so ~4 ms at most. The
# price, on benchmarks/query_latency.py's 100k chunks made of corpus/ sentences (every word
# common, the worst case): the top 50 found hold 48 % of unbudgeted BM25's top 10 (20,000: 79 %).
POSTINGS_BUDGET = 5_000
# When every word of a question is past the budget, its rarest word is searched alone, if it is
# in at most this many chunks (~30 ms of ranking). A word in more is not worth the time: even
# at 1M chunks its idf is below log(25) and the dense search ranks the question alone.
RANKED_AT_MOST = 8 * POSTINGS_BUDGET

# FTS5's unicode61 tokenizer splits at every character that is not a letter or digit; a
# query's terms must be split the same way to meet its postings ("don't" is "don" and "t").
# Lexical matching elsewhere reads words with rag/text/lexicon.py.
_FTS5_TERM = re.compile(r"\w+", re.UNICODE)


def fts5_terms(question: str) -> list[str]:
    """The question's content words as FTS5 indexes them, lower-cased, each once, in order."""
    seen: dict[str, None] = {}
    for word in _FTS5_TERM.findall(question.lower()):
        if word not in STOPWORDS:
            seen.setdefault(word, None)
    return list(seen)


def within_budget(words: list[str], postings: dict[str, int]) -> list[str]:
    """The rarest words whose postings (from `postings`, by word) fit the budget; the rarest
    one always. A word FTS5 has never seen costs nothing and is kept."""
    kept: list[str] = []
    total = 0
    for word in sorted(words, key=lambda w: postings.get(w, 0)):
        cost = postings.get(word, 0)
        if kept and total + cost > POSTINGS_BUDGET:
            break
        kept.append(word)
        total += cost
    return kept


def match_expression(words: list[str]) -> str:
    """An FTS5 OR query of the words, each quoted (FTS5 syntax characters are harmless)."""
    return " OR ".join(f'"{w}"' for w in words)
