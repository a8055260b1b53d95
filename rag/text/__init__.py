"""Text as the answer stage reads it: words and stems (lexicon.py), sentence spans with exact
offsets (sentences.py), and a bounded thread-safe memo for what is computed per text (memo.py)."""

from . import lexicon
from .markup import plain
from .memo import Memo
from .sentences import sentence_spans, split_sentences, stops_mid_sentence

__all__ = ["Memo", "lexicon", "plain", "sentence_spans", "split_sentences", "stops_mid_sentence"]
