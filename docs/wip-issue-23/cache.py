"""Cache all labelled answers with their claims split (pysbd is slow)."""
import pickle, sys, json
from pathlib import Path
sys.path.insert(0, "/work/main")
from eval.grounding import load_grounding
from eval.datasets import load_judge, DEFAULT_JUDGE
from rag.verification import split_claims
from multiprocessing import Pool

def split(a): return split_claims(a)

items = []
for a in load_grounding(task=None):
    r = a.row
    items.append(dict(ds="grounding", task=a.task, model=a.model, labeler=a.labeler, source=r.group,
                      context=r.context, answer=r.answer, question=r.question, label=r.label))
spans = {}
for line in open("/work/shared/data/grounding/answers.jsonl"):
    if line.strip():
        row = json.loads(line)
for name, path in [("ragtruth", "/work/shared/data/ragtruth_qa_dev.jsonl"), ("halueval", "/work/shared/data/halueval_qa_dev.jsonl"), ("judge", str(DEFAULT_JUDGE))]:
    for r in load_judge(Path(path)).rows:
        items.append(dict(ds=name, task="qa", model=name, labeler="human", source=f"{name}:{r.group}",
                          context=r.context, answer=r.answer, question=r.question, label=r.label, kind=r.kind))
with Pool(2) as p:
    claims = p.map(split, [i["answer"] for i in items], chunksize=64)
for i, c in zip(items, claims): i["claims"] = c
pickle.dump(items, open("/tmp/w/items.pkl", "wb"))
print(len(items))
