"""The "map event" labels: which place mentions in real news are occurrences at that place.

`sample` runs the pipeline over LGL and GeoWebNews (../shared/eval/geo) and draws place mentions it resolved,
at most two per document, into bench/data/event_labels.jsonl with no label yet; `show` prints them with their
context for a person to label by bench/data/EVENT_GUIDELINES.md. The file keeps only offsets, the place's own
words and the labels: the benchmark texts stay in ../shared. Each document's split (tune or heldout) comes from
a hash of its id, fixed before any labelling, so a document is never half tuned and half held out.
A second draw (`more`) adds mentions from 'tune' documents not drawn before, to fit the occurrence model on more
examples; the held-out part stays as it was drawn.
Usage: python bench/label_events.py sample
       python bench/label_events.py more --count N
       python bench/label_events.py show [--start N] [--count K]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_geo import FILES  # noqa: E402
from eval_roles import extract  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "bench" / "data" / "event_labels.jsonl"
DATA = ROOT.parent / "shared" / "eval" / "geo"
PER_FILE = {"LGL": 260, "GeoWebNews": 240}
PER_DOC = 2
HELDOUT_SHARE = 0.4
SEED = 15


def split_of(doc_id: str) -> str:
    """'heldout' for about HELDOUT_SHARE of documents, by a hash of the id (stable, independent of order)."""
    bucket = int(hashlib.sha1(doc_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "heldout" if bucket < HELDOUT_SHARE else "tune"


def pipeline_input(doc: dict) -> dict:
    """What a user's dump would give: text, title, URL and the source's date (LGL has one, GeoWebNews none)."""
    meta = doc.get("meta") or {}
    return {"id": doc["id"], "text": doc["text"], "title": meta.get("title"), "url": meta.get("url"),
            "published": meta.get("date")}


def sample(data: Path, per_file: dict[str, int], seed: int = SEED, skip: set[str] = frozenset(),
           split: str | None = None) -> list[dict]:
    """Mentions the pipeline resolved, at most PER_DOC per document, from documents not in `skip` (and of one
    split only, when given)."""
    rng = random.Random(seed)
    out = []
    for name, wanted in per_file.items():
        docs = [json.loads(line) for line in (data / FILES[name]).open(encoding="utf-8")]
        docs = [d for d in docs if d["id"] not in skip and split in (None, split_of(d["id"]))]
        found = extract([pipeline_input(d) for d in docs])
        rng.shuffle(docs)
        taken = 0
        for doc in docs:
            places = [p for p in found[doc["id"]]["places"] if p["geonameid"] is not None or p["name"]]
            rng.shuffle(places)
            for p in places[:PER_DOC]:
                if taken == wanted:
                    break
                out.append({"doc": doc["id"], "start": p["start"], "end": p["end"], "place": p["text"],
                            "split": split_of(doc["id"]), "label": None, "type": None, "date_text": None})
                taken += 1
    return sorted(out, key=lambda r: (r["doc"], r["start"]))


def sentence_around(text: str, start: int, end: int) -> tuple[str, str]:
    """(previous sentence, this sentence with the place in [[ ]]), cut at sentence ends or newlines."""
    bounds = [0] + [m.end() for m in re.finditer(r"[.!?][\"'”’)]?\s+|\n+", text)] + [len(text)]
    at = max(i for i, b in enumerate(bounds) if b <= start)
    s0, s1 = bounds[at], bounds[min(at + 1, len(bounds) - 1)]
    prev = text[bounds[at - 1]:s0].strip() if at else ""
    return prev, (text[s0:start] + "[[" + text[start:end] + "]]" + text[end:s1]).strip()


def show(start: int, count: int, data: Path) -> None:
    texts, titles, dates = {}, {}, {}
    for name in FILES.values():
        for line in (data / name).open(encoding="utf-8"):
            d = json.loads(line)
            texts[d["id"]], titles[d["id"]] = d["text"], (d.get("meta") or {}).get("title")
            dates[d["id"]] = (d.get("meta") or {}).get("date")
    rows = [json.loads(line) for line in LABELS.open(encoding="utf-8")]
    for n, r in enumerate(rows[start:start + count], start):
        prev, sent = sentence_around(texts[r["doc"]], r["start"], r["end"])
        print(f"#{n} {r['doc']} [{dates[r['doc']] or 'no date'}] {titles[r['doc']] or ''}")
        if prev:
            print(f"   prev: {prev[-300:]}")
        print(f"   >> {sent}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["sample", "more", "show"])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--count", type=int, default=40)
    args = parser.parse_args()
    if args.command == "sample":
        if LABELS.exists():
            sys.exit(f"{LABELS} exists: the sample is drawn once, before labelling")
        LABELS.parent.mkdir(parents=True, exist_ok=True)
        rows = sample(args.data, PER_FILE)
        LABELS.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{len(rows)} mentions -> {LABELS}")
    elif args.command == "more":
        rows = [json.loads(line) for line in LABELS.open(encoding="utf-8")]
        drawn = {r["doc"] for r in rows}
        half = {name: args.count // 2 for name in PER_FILE}
        more = sample(args.data, half, seed=SEED + len(rows), skip=drawn, split="tune")
        LABELS.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows + more), encoding="utf-8")
        print(f"{len(more)} more mentions -> {LABELS} (rows {len(rows)} on)")
    else:
        show(args.start, args.count, args.data)


if __name__ == "__main__":
    main()
