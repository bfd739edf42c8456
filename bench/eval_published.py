"""Publication dates without the source's date: how often pipeline/published.py finds one, from what, and how often
it is right, on LGL (../shared/eval/geo/lgl.jsonl, whose meta.date is the day each story was collected).

Each document is read as a dump record with no `published` value: first with its URL (what a crawl gives), then
without (a bare text file). A found date is right when it is within a day of meta.date (LGL's collection day
can trail the publication by one). Undated is no error: the pipeline says it does not know.
Usage: python bench/eval_published.py [--data ../shared/eval/geo] [--json bench/results/published.json]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_geo import ROOT, save  # noqa: E402

sys.path.insert(0, str(ROOT))
from pipeline.published import decide  # noqa: E402

DATA = ROOT.parent / "shared" / "eval" / "geo"
TOLERANCE_DAYS = 1


def score(docs: list[dict], with_url: bool) -> dict:
    bases, right, wrong = Counter(), Counter(), Counter()
    for d in docs:
        meta = d.get("meta") or {}
        day, basis, _ = decide(None, meta.get("url") if with_url else None, None, d["text"])
        bases[basis] += 1
        if day is not None and meta.get("date"):
            ok = abs((day - date.fromisoformat(meta["date"])).days) <= TOLERANCE_DAYS
            (right if ok else wrong)[basis] += 1
    found = sum(right.values()) + sum(wrong.values())
    return {"documents": len(docs), "by_basis": dict(bases), "dated": found,
            "coverage": round(found / len(docs), 3),
            "right": sum(right.values()), "precision": round(sum(right.values()) / found, 3) if found else None,
            "precision_by_basis": {b: round(right[b] / (right[b] + wrong[b]), 3) for b in right | wrong}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    docs = [json.loads(line) for line in (args.data / "lgl.jsonl").open(encoding="utf-8")]
    results = {"with_url": score(docs, True), "text_only": score(docs, False)}
    for name, r in results.items():
        print(f"{name:10} {r['documents']} documents: dated {r['dated']} ({r['coverage']:.1%}), right "
              f"{r['right']} (precision {r['precision']}); by basis {r['by_basis']}, precision by basis "
              f"{r['precision_by_basis']}")
    if args.json:
        save(results, args.json)


if __name__ == "__main__":
    main()
