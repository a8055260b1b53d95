"""A document's or a model's markdown as the words it shows: "**Saturday 22 June 2024**" reads
"Saturday 22 June 2024", "[the parish office](https://...)" reads "the parish office".

Answers are shown literally (the chat escapes them; the CLI and the API pass them on), so
markup left in a quote or a model's sentence reaches the reader as asterisks and brackets.
markdown-it-py, the CommonMark parser the source cards already use, decides what is markup: a
hand-written pattern would take the "*" of "2 * 3" or the "_" of snake_case for emphasis.
"""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt

# Inline syntax only: a quote is one sentence, and "1." or "-" opening it is its own text.
# text_join off: an escaped "\*" stays its own token, kept as the reader's star.
_INLINE = MarkdownIt("commonmark", {"html": False}).disable(["image", "text_join"])
_KEPT = frozenset({"text_special", "code_inline", "html_inline"})
_BREAKS = frozenset({"softbreak", "hardbreak"})


@functools.lru_cache(maxsize=8192)
def plain(text: str) -> str:
    """`text` without its inline markdown: emphasis, code ticks, links (their text stays),
    backslash escapes. Text with no markup comes back as it is."""
    if not any(c in text for c in "*_`[\\<&"):
        return text  # the common case, and nothing to parse
    tokens = _INLINE.parseInline(text)
    out = []
    for token in tokens[0].children or ():
        if token.type in _BREAKS:
            out.append(" ")
        elif token.type == "text":
            # A quote cut from a longer emphasis ("**Additionally, ..." whose closing "**"
            # is in a later sentence) keeps delimiters nothing pairs with: markup all the same.
            out.append(_STRAY.sub("", token.content))
        elif token.type in _KEPT:
            out.append(token.content)
    return "".join(out)


# "*", "_" (up to three) opening or closing a word, not standing alone ("2 * 3") or inside
# one (snake_case).
_STRAY = re.compile(r"(?<!\w)[*_]{1,3}(?=\w)|(?<=[\w.,;:!?)\]])[*_]{1,3}(?!\w)")
