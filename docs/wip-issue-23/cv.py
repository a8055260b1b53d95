import pickle, sys, json
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import roc_auc_score, f1_score
sys.path.insert(0, "/work/main")
items = pickle.load(open("/tmp/w/items.pkl", "rb"))
feats = pickle.load(open(sys.argv[1] if len(sys.argv) > 1 else "/tmp/w/feats.pkl", "rb"))
raw = [json.loads(l) for l in open("/work/shared/data/ragtruth_qa_dev.jsonl") if l.strip()]
k = 0
for it in items:
    if it["ds"] == "ragtruth":
        it["model"] = raw[k]["model"]; it["source"] = f"ragtruth-qa:{raw[k]['source_id']}"; k += 1
    if it["ds"] in ("halueval", "judge"):
        it["model"] = it["source"]
NAMES = [n for n in feats[0][0]]
import os
USE = os.environ.get("USE", ",".join(NAMES)).split(",")
DROP = set(os.environ.get("DROP", "").split(","))
USE = [u for u in USE if u not in DROP]
def agg(fs):
    return np.array([max(f[n] for f in fs) for n in USE])
X = np.stack([agg(f) for f in feats]); y = np.array([it["label"] for it in items])
ds = np.array([it["ds"] if it["ds"] != "grounding" else it["task"] for it in items])
rng = np.random.default_rng(0)
K = 5
srcs = sorted({it["source"] for it in items}); mods = sorted({it["model"] for it in items})
sf = dict(zip(srcs, rng.integers(0, K, len(srcs)))); mf = dict(zip(mods, rng.integers(0, K, len(mods))))
S = np.array([sf[it["source"]] for it in items]); M = np.array([mf[it["model"]] for it in items])
TASKS = os.environ.get("TASKS", "all")
def weights(mask):
    w = np.zeros(len(y))
    for d in np.unique(ds[mask]):
        m = mask & (ds == d); w[m] = 1.0 / m.sum()
    return w[mask] * mask.sum()
def make():
    if os.environ.get("MODEL") == "hgb":
        return HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=50, random_state=0)
    return LogisticRegression(C=1.0, max_iter=5000)
oof = np.full(len(y), np.nan)
claimp = [None]*len(y)
for k in range(K):
    tr = (S != k) & (M != k); te = (S == k) & (M == k)
    if TASKS != "all":
        tr &= np.isin(ds, TASKS.split(","))
    sc = StandardScaler().fit(X[tr]); mdl = make()
    mdl.fit(sc.transform(X[tr]), y[tr], sample_weight=weights(tr))
    oof[te] = mdl.predict_proba(sc.transform(X[te]))[:, 1]
    for i in np.where(te)[0]:
        claimp[i] = mdl.predict_proba(sc.transform(np.stack([np.array([f[n] for n in USE]) for f in feats[i]])))[:, 1]
small = np.array([any(s in it["model"] for s in ("3B", "8B", "7B", "9b", "mini-instruct", "Phi-4-mini", "Ministral")) and it["ds"]=="grounding" for it in items])
def show(name, m):
    m = m & ~np.isnan(oof)
    if m.sum() == 0 or len(set(y[m])) < 2: return
    print(f"{name:<22} n={m.sum():>5} pos={y[m].mean():.2f} AUROC {roc_auc_score(y[m], oof[m]):.3f}")
for d in ["ragtruth-qa", "ragtruth", "halueval", "judge", "ragtruth-summary", "ragtruth-data2txt", "faithbench-summary"]:
    show(d, ds == d)
show("qa small models", small & (ds == "ragtruth-qa"))
# gate on qa (grounding + ragtruth), per-claim
qa = (ds == "ragtruth-qa") | (ds == "ragtruth")
for t in (0.3, 0.4, 0.5):
  for mm in (0.5, 0.75, 1.0):
    res = []
    for sel in (qa, small & (ds=="ragtruth-qa")):
        idx = np.where(sel & ~np.isnan(oof))[0]
        shown = np.array([np.mean(claimp[i] < t) >= mm for i in idx]); yy = y[idx]
        res.append(f"good {shown[yy==0].mean():.2f} bad {shown[yy==1].mean():.2f}")
    print(f"t={t} m={mm}: qa {res[0]} | small {res[1]}")
