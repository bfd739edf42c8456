"""Crash safety and idempotence of `python -m pipeline run`, in real subprocesses on a real database of each
engine.

The pipeline is killed with SIGKILL at random points (some while it starts or reads its input, some while it
stores articles) and run again; the database must then be intact and hold every article exactly once, with
the same events an uninterrupted run stores. The seed is in every failure message, to replay a bad run.
"""
from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from stores import copy_database, new_database, rows

from pipeline.ingest import text_hash

ROOT = Path(__file__).resolve().parent.parent
N_ARTICLES = 300
KILLS = 6
PLACES = ["Kharkiv", "Izyum", "Odesa", "Lyman", "Dadu", "Tehran", "Kupiansk", "Balakliya", "Zaporizhzhia", "Mykolaiv"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
EVENT_FIELDS = "event_id, article_id, event_date, date_value, place_id, place_text, start_char, sentence"


def write_dump(path: Path, version: int = 1) -> list[str]:
    """N_ARTICLES short articles, every other one at a URL; version 2 changes the text of those at a URL."""
    texts, lines = [], []
    for i in range(N_ARTICLES):
        place = PLACES[(i + (version - 1) * (i % 2)) % len(PLACES)]
        text = f"Shelling hit {place} on {DAYS[i % 5]}, officials said in report {i}."
        record = {"text": text, "published": f"2022-09-{1 + i % 28:02d}"}
        if i % 2:
            record["url"] = f"https://wire.example/{i}"
            record["text"] = text if version == 1 else text.replace("officials said", "officials later said")
        texts.append(record["text"])
        lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n")
    return texts


def start(dump: Path, db: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(dump), "--db", db, "--quiet"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stored(db: str) -> int:
    """Articles stored so far, read as the app would while the pipeline writes."""
    try:
        return rows(db, "SELECT COUNT(*) FROM articles WHERE status = 'stored'", readonly=True)[0][0]
    except Exception:  # not created yet, or no schema yet  # noqa: BLE001 - either driver's error
        return 0


def kill_at_random_point(proc: subprocess.Popen, db: Path, rng: random.Random, while_storing: bool) -> str:
    """SIGKILL `proc` after a random delay (start-up, reading, model loading) or once it has stored a random
    number of further articles (mid-storing); says where it struck."""
    started, before = time.monotonic(), stored(db)
    if while_storing:
        target = before + rng.randint(1, 40)
        while stored(db) < target and proc.poll() is None:
            time.sleep(0.003)
    else:
        time.sleep(rng.uniform(0.05, 1.5))
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    return f"at {time.monotonic() - started:.2f}s, {stored(db) - before} articles stored (exit {proc.returncode})"


def run_to_end(dump: Path, db: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "run", str(dump), "--db", db, "--quiet"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def events(db: str) -> set[tuple]:
    return set(rows(db, f"SELECT {EVENT_FIELDS} FROM events"))


def assert_sound(db: str, texts: list[str], note: str) -> None:
    """Intact database; every text stored once; no orphan, missing or stale event."""
    if not db.startswith("postgresql://"):  # PostgreSQL checks its own pages and keys as it writes
        assert rows(db, "PRAGMA integrity_check") == [("ok",)], note
        assert rows(db, "PRAGMA foreign_key_check") == [], note
    hashes = [h for (h,) in rows(db, "SELECT text_hash FROM articles WHERE status = 'stored'")]
    assert sorted(hashes) == sorted(text_hash(t) for t in texts), note
    orphans = rows(db, "SELECT COUNT(*) FROM events e LEFT JOIN articles a ON a.article_id = e.article_id"
                       " WHERE a.article_id IS NULL OR a.status <> 'stored'")[0][0]
    assert orphans == 0, note
    mismatched = rows(db, "SELECT COUNT(*) FROM articles a WHERE status = 'stored'"
                          " AND n_events <> (SELECT COUNT(*) FROM events e WHERE e.article_id = a.article_id)")[0][0]
    assert mismatched == 0, note
    stale = [1 for text, sentence in rows(db, "SELECT a.text, e.sentence FROM events e JOIN articles a"
                                              " ON a.article_id = e.article_id") if sentence not in text]
    assert not stale, note
    twins = rows(db, "SELECT COUNT(*) FROM (SELECT 1 FROM events GROUP BY article_id, start_char, place_text,"
                     " date_text HAVING COUNT(*) > 1) AS t")[0][0]
    assert twins == 0, note


def crash_and_resume(dump: Path, db: str, seed: int) -> list[str]:
    """KILLS runs killed at random points, alternating start-up and storing, then one run to the end."""
    rng = random.Random(seed)
    kills = [kill_at_random_point(start(dump, db), db, rng, while_storing=k % 2 == 1) for k in range(KILLS)]
    final = run_to_end(dump, db)
    note = f"seed {seed}; kills {kills}; final run: {final.stdout.strip()} {final.stderr.strip()}"
    assert final.returncode == 0 and "Traceback" not in final.stderr, note
    assert final.stdout.startswith(f"{N_ARTICLES} read: ") and final.stdout.rstrip().endswith(", 0 rejected"), note
    return kills + [note]


@pytest.fixture(scope="module")
def uninterrupted(engine, tmp_path_factory, gazetteer_path, request) -> tuple[str, list[str]]:
    folder = tmp_path_factory.mktemp("clean")
    server = request.getfixturevalue("pg_server") if engine == "postgresql" else None
    texts = write_dump(folder / "wire.jsonl")
    db = new_database(engine, folder, server)
    result = run_to_end(folder / "wire.jsonl", db)
    assert result.returncode == 0, result.stderr
    return db, texts


def test_crash_sigkill_then_rerun_stores_everything_once(tmp_path, uninterrupted, db_name):
    clean_db, texts = uninterrupted
    write_dump(tmp_path / "wire.jsonl")
    db = db_name
    seed = random.randrange(2**32)
    history = crash_and_resume(tmp_path / "wire.jsonl", db, seed)
    assert sum("exit -9" in h for h in history) >= KILLS // 2, history  # the storing kills land mid-run
    assert_sound(db, texts, history[-1])
    assert events(db) == events(clean_db), history[-1]


def test_crash_during_updates_at_same_urls_leaves_old_or_new_never_both(tmp_path, uninterrupted, engine, request):
    clean_db, _ = uninterrupted
    db = copy_database(clean_db, tmp_path, request.getfixturevalue("pg_server") if engine == "postgresql" else None)
    texts = write_dump(tmp_path / "wire-v2.jsonl", version=2)
    seed = random.randrange(2**32)
    history = crash_and_resume(tmp_path / "wire-v2.jsonl", db, seed)
    assert_sound(db, texts, history[-1])
    urls = rows(db, "SELECT COUNT(*), COUNT(DISTINCT url) FROM articles WHERE url IS NOT NULL")[0]
    updated = sum("officials later said" in t for (t,) in rows(db, "SELECT text FROM articles"))
    assert urls == (N_ARTICLES // 2, N_ARTICLES // 2) and updated == N_ARTICLES // 2, history[-1]


def test_same_article_again_is_a_duplicate_and_a_changed_one_replaces_it(tmp_path, gazetteer_path, db_name):
    url = "https://wire.example/kharkiv"
    first = {"text": "Shelling hit Kharkiv on Friday, officials said.", "url": url, "published": "2022-09-10"}
    (tmp_path / "one.jsonl").write_text(json.dumps(first) + "\n")
    (tmp_path / "same-url.jsonl").write_text(json.dumps(first) + "\n")
    (tmp_path / "same-text.txt").write_text("  SHELLING hit Kharkiv\non Friday,   officials said. ")
    changed = {**first, "text": "Shelling hit Odesa on Thursday, officials said."}
    (tmp_path / "changed.jsonl").write_text(json.dumps(changed) + "\n")
    db = db_name

    runs = [run_to_end(tmp_path / name, db) for name in ("one.jsonl", "same-url.jsonl", "same-text.txt")]
    assert [r.stdout.strip() for r in runs] == [
        "1 read: 1 stored (1 events from 1 reports), 0 skipped as duplicates, 0 rejected",
        "1 read: 0 stored (0 events from 0 reports), 1 skipped as duplicates, 0 rejected",
        "1 read: 0 stored (0 events from 0 reports), 1 skipped as duplicates, 0 rejected",
    ]
    update = run_to_end(tmp_path / "changed.jsonl", db)
    assert update.stdout.strip() == "1 read: 0 stored, 1 replaced (1 events from 1 reports), 0 skipped as duplicates, 0 rejected"
    assert rows(db, "SELECT url, text FROM articles") == [(url, changed["text"])]
    assert rows(db, "SELECT place_text, event_date FROM events") == [("Odesa", "2022-09-08")]
    log = rows(db, "SELECT origin, status FROM input_log")
    assert sorted(log) == sorted([(f"{tmp_path / 'one.jsonl'}:1", "stored"), (f"{tmp_path / 'same-url.jsonl'}:1", "duplicate"),
                                  (str(tmp_path / "same-text.txt"), "duplicate"), (f"{tmp_path / 'changed.jsonl'}:1", "stored")])
