import pickle, numpy as np
from sklearn.metrics import roc_auc_score
items = pickle.load(open("/tmp/w/items.pkl","rb")); feats = pickle.load(open("/tmp/w/feats.pkl","rb"))
names = list(feats[0][0])
for ds in ["ragtruth-qa","ragtruth","halueval","judge","ragtruth-summary"]:
    idx = [i for i,it in enumerate(items) if (it["task"] if it["ds"]=="grounding" else it["ds"])==ds]
    y = np.array([items[i]["label"] for i in idx])
    out = []
    for n in names:
        x = np.array([max(f[n] for f in feats[i]) for i in idx])
        out.append(f"{n}={roc_auc_score(y,x):.2f}")
    print(ds, len(idx), " ".join(out))
