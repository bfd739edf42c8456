"""Temporal benchmark: DATE/TIME expressions and their values on TimeML corpora (../shared/eval/time).

Runs `python -m pipeline extract` with published = dct and reports, per dataset: span P/R/F1 (overlap
and exact), value accuracy on matched spans (gold value at its own granularity), TempEval's value F1
(= overlap F1 x value accuracy) and day accuracy (gold full-day DATEs found with exactly that day).
Usage: python bench/eval_time.py [--data ../shared/eval/time] [--json bench/results/time.json]
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from eval_geo import match, save  # noqa: E402  (same one-to-one overlap matching, same output)

FILES = {"TimeBank": "tbaq_timebank.jsonl", "tweets_train": "tweets_train.jsonl", "WikiWars": "wikiwars.jsonl"}
SCORED_TYPES = {"DATE", "TIME"}
FULL_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def same_value(gold: str, predicted: str) -> bool:
    """Compare at the gold's granularity: a gold day needs the day; a gold TIME value needs its date part."""
    if gold is None or predicted is None:
        return False
    gold_date = gold.split("T")[0]
    # Decades and centuries are written both ways in TimeML corpora: "197" and "197X", "19" and "19XX".
    return predicted == gold or (predicted == gold_date and gold_date != "") or (
        gold.rstrip("X") == predicted.rstrip("X") and gold[:2].isdigit() and len(gold.rstrip("X")) < 4)


def f1(p: float, r: float) -> float:
    return round(2 * p * r / (p + r), 3) if p + r else 0.0


def evaluate(path: Path) -> dict:
    docs = [json.loads(line) for line in path.open(encoding="utf-8")]
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        with src.open("w", encoding="utf-8") as f:
            for d in docs:
                f.write(json.dumps({"id": d["id"], "text": d["text"], "published": d["dct"]}) + "\n")
        subprocess.run([sys.executable, "-m", "pipeline", "extract", "--input", str(src), "--output", str(out)],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        predictions = {r["id"]: r for r in map(json.loads, out.open(encoding="utf-8"))}
    n_gold = n_pred = n_matched = n_exact = n_value = 0
    day_total = day_right = 0
    for d in docs:
        gold = [t for t in d["timexes"] if t["type"] in SCORED_TYPES]
        pred = predictions.get(d["id"], {}).get("dates", [])
        n_gold += len(gold)
        n_pred += len(pred)
        pairs = match(gold, pred)
        n_matched += len(pairs)
        n_exact += sum(g["start"] == p["start"] and g["end"] == p["end"] for g, p in pairs)
        n_value += sum(same_value(g["value"], p["value"]) for g, p in pairs)
        by_gold = {id(g): p for g, p in pairs}
        for g in gold:
            if g["type"] == "DATE" and g["value"] and FULL_DAY.match(g["value"]):
                day_total += 1
                p = by_gold.get(id(g))
                day_right += bool(p and p["value"] == g["value"])
    p, r = (n_matched / n_pred if n_pred else 0.0), (n_matched / n_gold if n_gold else 0.0)
    pe, re_ = (n_exact / n_pred if n_pred else 0.0), (n_exact / n_gold if n_gold else 0.0)
    value_acc = n_value / n_matched if n_matched else 0.0
    return {
        "documents": len(docs), "gold": n_gold, "predicted": n_pred,
        "precision": round(p, 3), "recall": round(r, 3), "f1": f1(p, r),
        "exact_f1": f1(pe, re_), "value_accuracy": round(value_acc, 3),
        "value_f1": round(f1(p, r) * value_acc, 3),
        "day_accuracy": round(day_right / day_total, 3) if day_total else None, "full_day_gold": day_total,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "eval" / "time"))
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "time.json"))
    args = parser.parse_args()
    results = {name: evaluate(Path(args.data) / file) for name, file in FILES.items()}
    cols = ["documents", "precision", "recall", "f1", "exact_f1", "value_accuracy", "value_f1", "day_accuracy"]
    print(f"{'dataset':<14}" + "".join(f"{c:>15}" for c in cols))
    for name, r in results.items():
        print(f"{name:<14}" + "".join(f"{str(r[c]):>15}" for c in cols))
    save(results, Path(args.json))


if __name__ == "__main__":
    main()
