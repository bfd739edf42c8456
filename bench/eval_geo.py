"""Geoparsing benchmark: place recognition and resolution on LGL and GeoWebNews (../shared/eval/geo).

Runs `python -m pipeline extract` on each file (meta.date as the publication date, meta.url as the article's
address, whose host is its source: the pipeline learns each source's home region as it reads) and scores it the
way the data's README says (Gritta et al.): overlap matching, one-to-one per document, largest overlap
first; great-circle error; acc@161, median/mean km, AUC of ln(1 + km) / ln(20039); and the share of matched spans placed more than 2,000 km off (a dot on the wrong
continent).
--out-of-fold resolves each document with the place ranker of the fold that held it out (bench/train_place_ranker.py
writes them), in one run as usual: figures a model earns on documents it never saw.
Usage: python bench/eval_geo.py [--data ../shared/eval/geo] [--limit N] [--out-of-fold] [--json bench/results/geo.json]
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = {"LGL": "lgl.jsonl", "GeoWebNews": "geowebnews.jsonl"}
MAX_KM = 20039.0
FAR_KM = 2000.0
FOLDS_PATH = ROOT / "bench" / "results" / "place_ranker_folds.json"


def km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(min(1.0, math.sqrt(a)))


def match(gold: list[dict], pred: list[dict]) -> list[tuple[dict, dict]]:
    """One-to-one pairs of overlapping spans, largest overlap first."""
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            overlap = min(g["end"], p["end"]) - max(g["start"], p["start"])
            if overlap > 0:
                pairs.append((overlap, gi, pi))
    used_g, used_p, out = set(), set(), []
    for _, gi, pi in sorted(pairs, key=lambda t: -t[0]):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gold[gi], pred[pi]))
    return out


def auc(errors: list[float]) -> float:
    """Area under the sorted ln(1 + km) curve, normalised: 0 perfect, 1 worst."""
    if len(errors) < 2:
        return float("nan")
    ys = sorted(math.log(1 + e) for e in errors)
    area = sum((ys[i] + ys[i + 1]) / 2 for i in range(len(ys) - 1))
    return area / (math.log(MAX_KM) * (len(ys) - 1))


def scores(n_gold: int, n_pred: int, errors: list[float], placed: list[float] | None = None) -> dict:
    """`placed`: the errors of the matched spans that were given a point (far_2000 counts dots on the map)."""
    placed = errors if placed is None else placed
    p = len(errors) / n_pred if n_pred else 0.0
    r = len(errors) / n_gold if n_gold else 0.0
    within = sum(e <= 161 for e in errors)
    return {
        "gold": n_gold, "predicted": n_pred, "matched": len(errors),
        "precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
        "acc161_matched": round(within / len(errors), 3) if errors else 0.0,
        "median_km": round(statistics.median(errors), 1) if errors else None,
        "mean_km": round(statistics.mean(errors), 1) if errors else None,
        "auc": round(auc(errors), 3) if errors else None,
        "far_2000": round(sum(e > FAR_KM for e in placed) / len(placed), 3) if placed else None,
        "acc161_all_gold": round(within / n_gold, 3) if n_gold else 0.0,
    }


def extracted(docs: list[dict], ranker: dict | None = None) -> dict[str, dict]:
    """`python -m pipeline extract` on the documents (with `ranker`, a place ranker's weights or a folds file, else
    the pipeline's own); its output by id."""
    with tempfile.TemporaryDirectory() as tmp:
        src, out, weights = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl", Path(tmp) / "ranker.json"
        with src.open("w", encoding="utf-8") as f:
            for d in docs:
                meta = d.get("meta") or {}
                f.write(json.dumps({"id": d["id"], "text": d["text"], "published": meta.get("date"),
                                    "url": meta.get("url")}) + "\n")
        options = []
        if ranker is not None:
            weights.write_text(json.dumps(ranker))
            options = ["--place-ranker", str(weights)]
        subprocess.run([sys.executable, "-m", "pipeline", "extract", "--input", str(src), "--output", str(out),
                        *options], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        return {r["id"]: r for r in map(json.loads, out.open(encoding="utf-8"))}


def evaluate(path: Path, limit: int | None, out_of_fold: bool = False) -> dict:
    docs = [json.loads(line) for line in path.open(encoding="utf-8")][:limit]
    predictions = extracted(docs, json.loads(FOLDS_PATH.read_text()) if out_of_fold else None)
    n_gold = n_pred = 0
    errors: list[float] = []
    placed: list[float] = []
    by_type: dict[str, list] = defaultdict(lambda: [0, []])
    for d in docs:
        gold = d["toponyms"]
        pred = predictions.get(d["id"], {}).get("places", [])
        n_gold += len(gold)
        n_pred += len(pred)
        matched = {id(g): p for g, p in match(gold, pred)}
        for g in gold:
            t = by_type[g.get("type", "all")]
            t[0] += 1
            p = matched.get(id(g))
            if p is None:
                continue
            e = MAX_KM if p["lat"] is None else km(g["lat"], g["lon"], p["lat"], p["lon"])
            errors.append(e)
            if p["lat"] is not None:
                placed.append(e)
            t[1].append(e)
    result = {"documents": len(docs), **scores(n_gold, n_pred, errors, placed)}
    if len(by_type) > 1:
        result["by_type"] = {k: {"gold": v[0], "recall": round(len(v[1]) / v[0], 3),
                                 "acc161_matched": round(sum(e <= 161 for e in v[1]) / len(v[1]), 3) if v[1] else 0.0,
                                 "acc161_all_gold": round(sum(e <= 161 for e in v[1]) / v[0], 3)}
                             for k, v in sorted(by_type.items())}
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "eval" / "geo"))
    parser.add_argument("--limit", type=int, help="only the first N documents of each file")
    parser.add_argument("--out-of-fold", action="store_true",
                        help="each document resolved by the place ranker of the fold that held it out")
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "geo.json"))
    args = parser.parse_args()
    results = {name: evaluate(Path(args.data) / file, args.limit, args.out_of_fold) for name, file in FILES.items()}
    cols = ["documents", "precision", "recall", "f1", "acc161_matched", "far_2000", "median_km", "mean_km", "auc",
            "acc161_all_gold"]
    print(f"{'dataset':<12}" + "".join(f"{c:>16}" for c in cols))
    for name, r in results.items():
        print(f"{name:<12}" + "".join(f"{str(r[c]):>16}" for c in cols))
    for name, r in results.items():
        for t, v in r.get("by_type", {}).items():
            print(f"  {name} {t:<22} gold {v['gold']:>5}  recall {v['recall']:.3f}  acc@161 matched "
                  f"{v['acc161_matched']:.3f}  all {v['acc161_all_gold']:.3f}")
    save(results, Path(args.json))


def save(results: dict, out: Path) -> None:
    """Write a benchmark's results as JSON, so figures can be compared across commits."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"written: {out}")


if __name__ == "__main__":
    main()
