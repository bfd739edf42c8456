"""Map events on real news: precision and recall of "this place mention is an occurrence there", event types and
the words that date each event, against the hand labels in bench/data/event_labels.jsonl.

Runs `python -m pipeline extract` over LGL and GeoWebNews (../shared/eval/geo) as a user's dump would give them
(text, title, URL; LGL's date, none for GeoWebNews), matches each labelled mention to the pipeline's place span
that overlaps it, and counts a mention as a predicted map event when its role is a map role (event, origin,
destination). A labelled mention the pipeline did not find or resolve counts as not predicted. 'unclear' labels
are left out. Figures per split: 'tune' was looked at while the rules were written, 'heldout' never.
Also: the share of map events typed 'other' over every document of both files, type accuracy on labelled events
the pipeline predicted, and how often an event's date words are the labelled ones.
Usage: python bench/eval_events.py [--data ../shared/eval/geo] [--errors] [--json bench/results/events.json]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_geo import FILES, save  # noqa: E402
from eval_roles import MAP_ROLES, extract  # noqa: E402
from label_events import DATA, LABELS, pipeline_input, sentence_around  # noqa: E402


def best_overlap(label: dict, places: list[dict]) -> dict | None:
    best, best_n = None, 0
    for p in places:
        n = min(label["end"], p["end"]) - max(label["start"], p["start"])
        if n > best_n:
            best, best_n = p, n
    return best


def event_at(found: dict, place: dict) -> dict | None:
    """The pipeline's row for a place span: its map row if it has one."""
    rows = [e for e in found["events"] if e["start_char"] == place["start"] and e["end_char"] == place["end"]]
    return next((e for e in rows if e["role"] in MAP_ROLES), rows[0] if rows else None)


def score(labels: list[dict], found: dict[str, dict]) -> tuple[dict, list[tuple]]:
    out, errors = {}, []
    for split in ("tune", "heldout", "all"):
        rows = [r for r in labels if r["label"] != "unclear" and split in (r["split"], "all")]
        tp = fp = fn = 0
        false_by_note: Counter = Counter()
        types = dates = typed = dated = 0
        for r in rows:
            place = best_overlap(r, found[r["doc"]]["places"])
            row = event_at(found[r["doc"]], place) if place else None
            predicted = row is not None and row["role"] in MAP_ROLES
            gold = r["label"] == "event"
            tp += predicted and gold
            fp += predicted and not gold
            fn += gold and not predicted
            if predicted and not gold:
                false_by_note[r["note"]] += 1
            if predicted and gold:
                typed += 1
                types += row["event_type"] == r["type"]
                dated += 1
                dates += (row["date_text"] or None) == r["date_text"]
            if split == "tune" and predicted != gold or split == "tune" and predicted and gold \
                    and row["event_type"] != r["type"]:
                errors.append((r, row))
        p = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        out[split] = {"labelled": len(rows), "events": tp + fn, "predicted": tp + fp, "correct": tp,
                      "precision": round(p, 3), "recall": round(rec, 3),
                      "f1": round(2 * p * rec / (p + rec), 3) if p + rec else 0.0,
                      "false_events_by_kind": dict(false_by_note.most_common()),
                      "type_accuracy": round(types / typed, 3) if typed else None,
                      "date_words_right": round(dates / dated, 3) if dated else None}
    return out, errors


def other_share(found: dict[str, dict]) -> dict:
    rows = [e for f in found.values() for e in f["events"] if e["role"] in MAP_ROLES]
    kinds = Counter(e["event_type"] for e in rows)
    return {"map_events": len(rows), "other": kinds["other"],
            "other_share": round(kinds["other"] / len(rows), 3) if rows else None, "types": dict(kinds.most_common())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--errors", action="store_true", help="list mistakes on the tune split")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    labels = [json.loads(line) for line in LABELS.open(encoding="utf-8")]
    docs = {}
    for name in FILES.values():
        for line in (args.data / name).open(encoding="utf-8"):
            d = json.loads(line)
            docs[d["id"]] = d
    found = extract([pipeline_input(d) for d in docs.values()])
    scores, errors = score(labels, found)
    scores["types_over_all_documents"] = other_share(found)
    print(f"{'split':8} {'labelled':>8} {'events':>6} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6} {'type acc':>8} "
          f"{'date words':>10}")
    for split in ("tune", "heldout", "all"):
        s = scores[split]
        print(f"{split:8} {s['labelled']:8} {s['events']:6} {s['predicted']:5} {s['precision']:6.3f} "
              f"{s['recall']:6.3f} {s['f1']:6.3f} {s['type_accuracy'] or 0:8.3f} {s['date_words_right'] or 0:10.3f}")
        print(f"         false events by kind: {s['false_events_by_kind']}")
    t = scores["types_over_all_documents"]
    print(f"map events over all documents: {t['map_events']}, typed 'other': {t['other_share']:.3f}; {t['types']}")
    if args.errors:
        for r, row in errors:
            _, sent = sentence_around(docs[r["doc"]]["text"], r["start"], r["end"])
            got = f"{row['role']}/{row['event_type']}/{row['date_text']!r}" if row else "not found"
            want = f"{r['label']}/{r['type'] or r['note']}/{r['date_text']!r}"
            print(f"- {r['doc']} want {want} got {got}: {sent[:300]}")
    if args.json:
        save(scores, args.json)


if __name__ == "__main__":
    main()
