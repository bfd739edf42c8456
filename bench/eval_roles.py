"""Place roles on GeoWebNews and event types on Dateline's hand-labelled sentences.

(a) GeoWebNews (../shared/eval/geo/geowebnews.jsonl) types every toponym. Its types map onto our two classes:
    literal  = Literal, Literal_Modifier, Coercion, Embedded_Literal (the place itself: where, or a place-like
               thing put in a place's slot);
    actor    = Metonymic, Non_Literal_Modifier, Embedded_Non_Lit (the place stands for its people, government or
               team, or names something that is not where it is: "Turkey said", "US troops", "US Congress");
    Mixed (both readings at once) is left out of the scores and counted apart.
    Our roles map as: actor -> actor; event, origin, destination, dateline, background -> literal.
    Spans are matched as bench/eval_geo.py matches them (overlap, one-to-one); only matched pairs are scored,
    so this measures the role decision, not recognition (eval_geo.py measures that).
(b) Event types on tests/data/event_types.jsonl: sentences written for this project, each with one place and its
    gold type. The prediction is the type on that place's row (a map role first); no row counts as 'missing'.
    Records with split 'heldout' (every third of the first 302, fixed before any tuning) were never looked at while
    the rules were written; --errors lists mistakes on the 'tune' split only.
Usage: python bench/eval_roles.py [--data ../shared/eval/geo] [--limit N] [--errors] [--json bench/results/roles.json]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_geo import ROOT, match, save  # noqa: E402

LITERAL = {"Literal", "Literal_Modifier", "Coercion", "Embedded_Literal"}
ACTOR = {"Metonymic", "Non_Literal_Modifier", "Embedded_Non_Lit"}
LABELLED = ROOT / "tests" / "data" / "event_types.jsonl"
LABELLED_PUBLISHED = "2023-06-15"
MAP_ROLES = ("event", "origin", "destination")


def extract(docs: list[dict], *options: str) -> dict[str, dict]:
    """`python -m pipeline extract [options]` on {"id", "text", "published"...} records; its output by id."""
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        src.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
        subprocess.run([sys.executable, "-m", "pipeline", "extract", "--input", str(src), "--output", str(out),
                        *options], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        return {r["id"]: r for r in map(json.loads, out.open(encoding="utf-8"))}


def per_class(pairs: list[tuple[str, str]], classes: list[str]) -> dict:
    """Precision and recall per class from (gold, predicted) pairs."""
    out = {}
    for c in classes:
        tp = sum(g == c and p == c for g, p in pairs)
        n_pred = sum(p == c for _, p in pairs)
        n_gold = sum(g == c for g, _ in pairs)
        prec, rec = (tp / n_pred if n_pred else 0.0), (tp / n_gold if n_gold else 0.0)
        out[c] = {"gold": n_gold, "predicted": n_pred, "correct": tp, "precision": round(prec, 3),
                  "recall": round(rec, 3), "f1": round(2 * prec * rec / (prec + rec), 3) if prec + rec else 0.0}
    return out


def roles_on_geowebnews(path: Path, limit: int | None) -> dict:
    docs = [json.loads(line) for line in path.open(encoding="utf-8")][:limit]
    predictions = extract([{"id": d["id"], "text": d["text"], "published": (d.get("meta") or {}).get("date")}
                           for d in docs])
    pairs, mixed, by_type = [], Counter(), Counter()
    for d in docs:
        for gold, pred in match(d["toponyms"], predictions.get(d["id"], {}).get("places", [])):
            predicted = "actor" if pred["role"] == "actor" else "literal"
            by_type[(gold["type"], pred["role"])] += 1
            if gold["type"] in LITERAL:
                pairs.append(("literal", predicted))
            elif gold["type"] in ACTOR:
                pairs.append(("actor", predicted))
            else:
                mixed[predicted] += 1
    return {"documents": len(docs), "scored_pairs": len(pairs), "classes": per_class(pairs, ["literal", "actor"]),
            "accuracy": round(sum(g == p for g, p in pairs) / len(pairs), 3) if pairs else 0.0,
            "mixed_predicted": dict(mixed),
            "by_gold_type_and_role": {f"{t} -> {r}": n for (t, r), n in sorted(by_type.items())}}


def types_on_labelled(path: Path, show_errors: bool) -> dict:
    records = [json.loads(line) for line in path.open(encoding="utf-8")]
    predictions = extract([{"id": r["id"], "text": r["text"], "published": LABELLED_PUBLISHED} for r in records])
    types = sorted({r["type"] for r in records})
    result = {}
    for split in ("tune", "heldout", "all"):
        chosen = [r for r in records if split == "all" or r["split"] == split]
        pairs = [(r["type"], _predicted_type(r, predictions.get(r["id"], {}))) for r in chosen]
        typed = [(g, p) for g, p in pairs if p != "missing"]  # the place was found: the type decision alone
        result[split] = {"sentences": len(chosen), "no_row": len(pairs) - len(typed),
                         "accuracy_given_row": round(sum(g == p for g, p in typed) / len(typed), 3),
                         "accuracy_end_to_end": round(sum(g == p for g, p in pairs) / len(pairs), 3),
                         "types": per_class(typed, types), "types_end_to_end": per_class(pairs, types)}
    if show_errors:
        for r in records:
            predicted = _predicted_type(r, predictions.get(r["id"], {}))
            if r["split"] == "tune" and predicted != r["type"]:
                print(f"  {r['id']} gold {r['type']:<18} got {predicted:<18} {r['text']}")
    return result


def _predicted_type(record: dict, prediction: dict) -> str:
    rows = [e for e in prediction.get("events", []) if e["place_text"] == record["place"]]
    rows.sort(key=lambda e: e["role"] not in MAP_ROLES)
    return rows[0]["event_type"] if rows else "missing"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "eval" / "geo"))
    parser.add_argument("--limit", type=int, help="only the first N GeoWebNews documents")
    parser.add_argument("--errors", action="store_true", help="list event-type mistakes on the tune split")
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "roles.json"))
    args = parser.parse_args()
    roles = roles_on_geowebnews(Path(args.data) / "geowebnews.jsonl", args.limit)
    types = types_on_labelled(LABELLED, args.errors)

    print(f"GeoWebNews roles: {roles['documents']} documents, {roles['scored_pairs']} matched toponyms scored, "
          f"accuracy {roles['accuracy']}, Mixed left out: {roles['mixed_predicted']}")
    print(f"  {'class':<10}{'gold':>6}{'pred':>6}{'P':>8}{'R':>8}{'F1':>8}")
    for c, v in roles["classes"].items():
        print(f"  {c:<10}{v['gold']:>6}{v['predicted']:>6}{v['precision']:>8}{v['recall']:>8}{v['f1']:>8}")
    print("Event types on tests/data/event_types.jsonl (P / R per split, sentences whose place got a row)")
    print(f"  {'type':<20}" + "".join(f"{s + ' P':>11}{s + ' R':>11}" for s in types))
    for t in types["all"]["types"]:
        print(f"  {t:<20}" + "".join(f"{types[s]['types'][t]['precision']:>11}{types[s]['types'][t]['recall']:>11}"
                                      for s in types))
    for s, v in types.items():
        print(f"  {s}: {v['sentences']} sentences, {v['no_row']} with no row for the place; accuracy "
              f"{v['accuracy_given_row']} given a row, {v['accuracy_end_to_end']} end to end")
    save({"geowebnews_roles": roles, "event_types": types}, Path(args.json))


if __name__ == "__main__":
    main()
