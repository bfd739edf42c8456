"""`python -m pipeline`: exit status, one-line messages, idempotent runs. Real subprocesses, real database."""
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def counts(db):
    with sqlite3.connect(db) as conn:
        return {
            "stored": conn.execute("SELECT COUNT(*) FROM articles WHERE status='stored'").fetchone()[0],
            "rejected": conn.execute("SELECT COUNT(*) FROM articles WHERE status='rejected'").fetchone()[0],
            "rows": conn.execute("SELECT COUNT(*) FROM events").fetchone()[0],
            "reports": conn.execute("SELECT COUNT(*) FROM events WHERE role IN ('event', 'origin', 'destination')"
                                    ).fetchone()[0],
            "events": conn.execute("SELECT COUNT(DISTINCT group_id) FROM events WHERE role IN "
                                   "('event', 'origin', 'destination')").fetchone()[0],
        }


@pytest.fixture(scope="module")
def articles(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wire")
    (folder / "one.txt").write_text("KYIV, Ukraine, Sept. 9, 2022 - Shelling hit Kharkiv on Thursday, officials said.")
    (folder / "two.jsonl").write_text(
        json.dumps({"text": "Floods reached Dadu in Sindh province on Tuesday.", "published": "2022-08-31",
                    "source": "Harbour Post", "url": "https://harbour.example/floods"}) + "\n"
        + "{not json}\n"
        + json.dumps({"text": "Protesters gathered in Tehran on Monday.", "published": "2022-09-21"}) + "\n")
    return folder


def test_cli_run_stores_and_summarises(tmp_path, articles, gazetteer_path):
    db = tmp_path / "events.db"
    result = run("run", articles, "--db", db, "--quiet")
    assert result.returncode == 1, result.stderr  # one line was rejected
    assert "4 read: 3 stored" in result.stdout and "1 rejected" in result.stdout
    assert f"rejected: {articles / 'two.jsonl'}:2: malformed JSON line" in result.stderr
    assert "Traceback" not in result.stderr
    c = counts(db)
    assert c["stored"] == 3 and c["rejected"] == 1 and c["rows"] >= 3 and c["events"] >= 1
    assert f"({c['events']} events from {c['reports']} reports)" in result.stdout  # what the dashboard counts


def test_cli_run_twice_stores_nothing_twice(tmp_path, articles, gazetteer_path):
    db = tmp_path / "events.db"
    run("run", articles, "--db", db, "--quiet")
    first = counts(db)
    again = run("run", articles, "--db", db, "--quiet")
    assert "0 stored (0 events from 0 reports), 3 skipped as duplicates" in again.stdout
    assert counts(db) == first


def test_cli_published_and_source_options(tmp_path, gazetteer_path):
    (tmp_path / "a.txt").write_text("Troops entered Kupiansk on Friday.")
    db = tmp_path / "e.db"
    result = run("run", tmp_path / "a.txt", "--db", db, "--source", "Desk", "--published", "2022-09-10", "--quiet")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT source, event_date, published_inferred FROM events").fetchone()
    assert row == ("Desk", "2022-09-09", 0)


def test_cli_missing_path(tmp_path, gazetteer_path):
    result = run("run", tmp_path / "nowhere", "--db", tmp_path / "e.db", "--quiet")
    assert result.returncode == 1
    assert result.stderr.strip() == f"rejected: {tmp_path / 'nowhere'}: no such file or directory"


def test_cli_empty_file(tmp_path, gazetteer_path):
    (tmp_path / "empty.txt").write_text("")
    result = run("run", tmp_path / "empty.txt", "--db", tmp_path / "e.db", "--quiet")
    assert result.returncode == 1
    assert result.stderr.strip() == f"rejected: {tmp_path / 'empty.txt'}: empty file"


def test_cli_unreadable_encoding(tmp_path, gazetteer_path):
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "good.txt").write_text("Shelling hit Izyum on Friday, Sept. 9, 2022.")
    result = run("run", tmp_path, "--db", tmp_path / "e.db", "--quiet")
    assert result.returncode == 1
    assert f"rejected: {tmp_path / 'binary.txt'}: binary data, not text" in result.stderr
    assert "1 stored" in result.stdout


def test_cli_bad_published_option_is_a_usage_error(tmp_path):
    result = run("run", tmp_path, "--published", "yesterday")
    assert result.returncode == 2
    assert "'yesterday' is not a date (expected YYYY-MM-DD)" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_help_documents_exit_codes():
    result = run("run", "--help")
    assert result.returncode == 0 and "exit status" in result.stdout and "rejected" in result.stdout


def test_cli_extract_writes_evaluation_format(tmp_path, gazetteer_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "d1", "text": "Troops entered Kupiansk on Friday.", "published": "2022-09-10"}) + "\n"
                   + json.dumps({"id": "d2", "text": "KYIV, Ukraine, Sept. 9, 2022 - Sirens sounded."}) + "\n")
    out = tmp_path / "out.jsonl"
    result = run("extract", "--input", src, "--output", out)
    assert result.returncode == 0, result.stderr
    d1, d2 = [json.loads(line) for line in out.read_text().splitlines()]
    assert d1["id"] == "d1" and d1["published"] == "2022-09-10" and d1["published_inferred"] is False
    [place] = d1["places"]
    text = "Troops entered Kupiansk on Friday."
    assert text[place["start"]:place["end"]] == "Kupiansk" and place["geonameid"] == 703656
    assert place["geo_precision"] == "settlement"
    assert d1["dates"][0]["value"] == "2022-09-09"
    assert d1["events"][0]["event_date"] == "2022-09-09"
    assert d2["published"] == "2022-09-09" and d2["published_inferred"] is True


def test_cli_extract_learns_each_sources_home_from_its_urls(tmp_path, gazetteer_path):
    """Articles from one site (the URL's host) share a home region, and a bare "Richmond" follows it: the
    Kentucky paper's is Kentucky's, the Virginia paper's Virginia's."""
    kentucky = ["Deputies in Berea, Kentucky, arrested a man.", "The fair opens in Lexington, Kentucky.",
                "Schools in Berea, Kentucky, closed early."]
    virginia = ["Crews in Norfolk, Virginia, fixed a main.", "The fair opens in Roanoke, Virginia.",
                "Schools in Lynchburg, Virginia, closed early."]
    bare = "Richmond police said the road reopened on Monday."
    records = [(t, "ky") for t in kentucky] + [(t, "va") for t in virginia] + [(bare, "ky"), (bare, "va")]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"d{i}", "text": t, "published": "2009-03-02",
                                       "url": f"https://www.{site}-paper.example/news/{i}"}) + "\n"
                           for i, (t, site) in enumerate(records)))
    out = tmp_path / "out.jsonl"
    result = run("extract", "--input", src, "--output", out)
    assert result.returncode == 0, result.stderr
    *_, ky, va = [json.loads(line) for line in out.read_text().splitlines()]
    [ky_richmond] = [p for p in ky["places"] if p["text"] == "Richmond"]
    [va_richmond] = [p for p in va["places"] if p["text"] == "Richmond"]
    assert abs(ky_richmond["lat"] - 37.75) < 0.1 and abs(va_richmond["lat"] - 37.55) < 0.1


def test_cli_missing_gazetteer_is_one_line(tmp_path):
    env_run = subprocess.run([sys.executable, "-m", "pipeline", "run", str(ROOT / "data" / "articles"),
                              "--db", str(tmp_path / "e.db"), "--quiet"], cwd=ROOT, capture_output=True, text=True,
                             env={"PATH": "/usr/bin:/bin", "DATELINE_GAZETTEER": str(tmp_path / "none.db")})
    assert env_run.returncode == 3
    assert env_run.stderr.strip().startswith("error: ") and "build-gazetteer" in env_run.stderr
    assert len(env_run.stderr.strip().splitlines()) == 1


def test_cli_summary_counts_events_as_the_dashboard_does(tmp_path, gazetteer_path):
    from pipeline.storage import open_store

    db = tmp_path / "e.db"
    result = run("run", ROOT / "data" / "articles", "--db", db, "--quiet")
    assert result.returncode == 0, result.stderr
    events, reports = map(int, re.search(r"\((\d+) events from (\d+) reports\)", result.stdout).groups())
    with open_store(db).reading() as reader:
        overview = reader.overview()
    assert (overview.n_events, overview.n_reports) == (events, reports) and events > 10
    assert "publication dates: 10 given, 5 read from the text" in result.stdout  # the text files' datelines


def test_cli_undated_articles_are_counted_and_told_how_to_give_a_date(tmp_path, gazetteer_path):
    (tmp_path / "a.txt").write_text("Shelling hit Kharkiv on Friday, officials said.")
    result = run("run", tmp_path / "a.txt", "--db", tmp_path / "e.db", "--quiet")
    assert result.returncode == 0, result.stderr
    assert "1 undated (give a date with --published YYYY-MM-DD or a 'published' field)" in result.stdout
    with sqlite3.connect(tmp_path / "e.db") as conn:
        assert conn.execute("SELECT event_date, date_basis FROM events").fetchall() == [(None, "none")]
