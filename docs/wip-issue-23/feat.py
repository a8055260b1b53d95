import pickle, sys, itertools, re, functools
import numpy as np
sys.path.insert(0, "/work/main")
from rag.text import lexicon
from rag.verification.features import ContextView, claim_signals, SOURCE_TALK, _CONTEXT_SENTENCE
from rag.verification.judge import context_text
from multiprocessing import Pool

HEDGE = frozenset("all always every only never must entire entirely completely none whole sole solely".split())
_MARK = re.compile(r"\[\d+(?:,\s*\d+)*\]")

def cstems(ws):
    return [lexicon.stem(w) for w in ws if w not in lexicon.STOPWORDS and w not in lexicon.NEGATIONS and w not in SOURCE_TALK]

class View:
    def __init__(self, text):
        self.base = ContextView.of(text)
        b = self.base
        self.seqs = [cstems(lexicon.words(text[s:e])) for s, e in b.sentences]
        self.sets = [frozenset(s) for s in self.seqs]
        self.trigrams = frozenset(t for s in self.seqs for t in zip(s, s[1:], s[2:]))
        # skip-bigrams within 3 content words, in order
        sk = set()
        for s in self.seqs:
            for i in range(len(s)):
                for j in range(i+1, min(i+4, len(s))):
                    sk.add((s[i], s[j]))
        self.skip = frozenset(sk)
        self.nums = [frozenset(lexicon.numbers(text[s:e])) for s, e in b.sentences]
        self.names = [frozenset(lexicon.names(text[s:e])) for s, e in b.sentences]
        self.neg = [lexicon.negated(text[s:e]) for s, e in b.sentences]

def claim_feats(claim, v, question):
    claim = _MARK.sub(" ", claim)
    base = claim_signals(claim, v.base, question)
    f = dict(base.values)
    ws = lexicon.words(claim)
    seq = cstems(ws)
    C = set(seq)
    n = len(v.sets)
    # best window of up to 2 sentences
    best, bi = -1, 0
    for i in range(n):
        cov = len(C & v.sets[i]) + 0.5 * len(C & (v.sets[i+1] if i+1<n else frozenset()))
        if cov > best: best, bi = cov, i
    win = v.sets[bi] | (v.sets[bi+1] if bi+1<n else frozenset())
    win1 = v.sets[bi]
    f["window_missing"] = len(C - win)/len(C) if C else 0.0
    f["sent_missing"] = len(C - win1)/len(C) if C else 0.0
    tri = list(zip(seq, seq[1:], seq[2:]))
    f["novel_trigrams"] = sum(t not in v.trigrams for t in tri)/len(tri) if tri else 0.0
    sk = [(seq[i], seq[j]) for i in range(len(seq)) for j in range(i+1, min(i+4, len(seq)))]
    f["novel_skip"] = sum(p not in v.skip for p in sk)/len(sk) if sk else 0.0
    wn = v.nums[bi] | (v.nums[bi+1] if bi+1<n else frozenset())
    cn = lexicon.numbers(claim)
    f["numbers_not_window"] = float(len(cn - wn))
    f["number_swap"] = float(bool(cn - wn) and bool(wn))
    wnames = v.names[bi] | (v.names[bi+1] if bi+1<n else frozenset())
    f["names_not_window"] = float(len(lexicon.names(claim) - wnames - set(v.sets[bi]) ))
    neg_c = lexicon.negated(claim)
    f["neg_window"] = float(neg_c != (v.neg[bi])) * (1 - f["sent_missing"])
    f["content_count"] = float(np.log1p(len(C)))
    f["question_share"] = len(C & lexicon.content_stems(question))/len(C) if C and question else 0.0
    wtext = set(lexicon.words(claim))
    f["hedge_new"] = float(bool({w for w in wtext if w in HEDGE} - set(lexicon.words(v.base.text))))
    return f

_views = {}
def item_feats(item):
    key = item["context"]
    if key not in _views:
        if len(_views) > 64: _views.clear()
        _views[key] = View(context_text(item["context"]))
    v = _views[key]
    return [claim_feats(c, v, item["question"]) for c in item["claims"]]

if __name__ == "__main__":
    items = pickle.load(open("/tmp/w/items.pkl", "rb"))
    with Pool(2) as p:
        feats = p.map(item_feats, items, chunksize=32)
    pickle.dump(feats, open("/tmp/w/feats.pkl", "wb"))
    print(len(feats), list(feats[0][0]))
