import pickle, sys, re, collections
sys.path.insert(0, "/work/main")
from rag.verification.contradiction import Window, contradiction, content_sequence
from rag.verification.features import ContextView
from rag.verification.judge import context_text
from rag.text import lexicon
from multiprocessing import Pool
_MARK = re.compile(r"\[\d+(?:,\s*\d+)*\]")
def win(view, claim):
    C = set(content_sequence(claim))
    sets = [frozenset(content_sequence(view.text[s:e])) for s, e in view.sentences]
    i = max(range(len(sets)), key=lambda k: len(C & sets[k]))
    idx = [i]
    nb = [j for j in (i-1, i+1) if 0 <= j < len(sets)]
    if nb:
        j = max(nb, key=lambda k: len(C & sets[k] - sets[i]))
        if C & sets[j] - sets[i]: idx.append(j)
    idx.sort()
    text = " ".join(view.text[view.sentences[k][0]:view.sentences[k][1]] for k in idx)
    return Window(text, frozenset().union(*(sets[k] for k in idx)), tuple(tuple(content_sequence(view.text[view.sentences[k][0]:view.sentences[k][1]])) for k in idx))
_v = {}
def run(it):
    key = it["context"]
    if key not in _v:
        _v.clear(); _v[key] = ContextView.of(context_text(key))
    v = _v[key]
    return [contradiction(_MARK.sub(" ", c), win(v, _MARK.sub(" ", c)), v.numbers) for c in it["claims"]]
if __name__ == "__main__":
    items = pickle.load(open("/tmp/w/items.pkl","rb"))
    sel = [it for it in items if it["task"] in ("ragtruth-qa","qa")]
    with Pool(2) as p: out = p.map(run, sel, chunksize=16)
    pickle.dump((sel, out), open("/tmp/w/rules.pkl","wb"))
    for ds in ("ragtruth-qa","ragtruth","halueval","judge"):
        c = collections.Counter()
        for it, o in zip(sel, out):
            d = it["task"] if it["ds"]=="grounding" else it["ds"]
            if d != ds: continue
            c[("n", it["label"])] += 1
            for k in set(o) - {""}: c[(k, it["label"])] += 1
        print(ds, sorted(c.items()))
