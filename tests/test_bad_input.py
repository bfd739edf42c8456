"""Hostile inputs through the real command line (`python -m pipeline run`), one case per row of CASES.

Each case runs in a folder holding the hostile input beside one good article, into a fresh database, and must
end with no traceback, one `rejected:`/`flagged:` line per affected input naming its file (and line, for dumps),
the good article stored, the summary line equal to what the database holds, and the documented exit status.
The corpus is tests/data/bad/ (small files, committed) and make_bad.py (big files, links, pipes: made here).
"""
from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from pipeline.config import MAX_ARTICLE_CHARS, MAX_FILE_BYTES
from pipeline.ingest import Ingestor
from pipeline.models import Article, Rejection

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "data" / "bad"
SUMMARY = re.compile(r"^(\d+) read: (\d+) stored \((\d+) events from (\d+) reports\), (\d+) skipped as duplicates, "
                     r"(\d+) rejected(?:; publication dates: .*)?$")
TOO_LONG = "article text is {:,} characters; the limit is " + f"{MAX_ARTICLE_CHARS:,}"


def _load_make_bad():
    spec = importlib.util.spec_from_file_location("make_bad", BAD / "make_bad.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_bad = _load_make_bad()


@dataclass(frozen=True)
class Case:
    """A hostile input: how to make it in a folder, and what the run must say and store."""

    name: str
    build: Callable[[Path], None]
    rejected: tuple[tuple[str, str], ...] = ()  # (path relative to the folder, with :line for dumps; reason)
    flagged: tuple[tuple[str, str], ...] = ()
    stored: int = 0  # articles stored from the hostile input, besides the good one
    check: Callable[[sqlite3.Connection], None] | None = None
    unprivileged: bool = False  # run without root's power to read anything (permission cases)


def committed(name: str) -> Callable[[Path], None]:
    return lambda folder: shutil.copy(BAD / name, folder / name)


def stored_text(conn: sqlite3.Connection, origin_end: str) -> str:
    [(text,)] = conn.execute("SELECT text FROM articles WHERE status = 'stored' AND origin LIKE ?",
                             ("%" + origin_end,)).fetchall()
    return text


def _events_of(conn: sqlite3.Connection, origin_end: str) -> int:
    return conn.execute("SELECT n_events FROM articles WHERE origin LIKE ?", ("%" + origin_end,)).fetchone()[0]


def _check_latin1(conn):
    assert "réunis à Genève" in stored_text(conn, "latin1.txt")


def _check_cp1252(conn):
    assert stored_text(conn, "cp1252.txt").startswith("“Shelling hit Kharkiv on Friday,” officials said —")


def _check_utf16(conn):
    assert "near Zürich’s sister city" in stored_text(conn, "utf16-bom.txt")


def _check_invalid_utf8(conn):
    text = stored_text(conn, "invalid-utf8.txt")
    assert "marched in Zürich" in text and text.endswith("Police \ufffd\ufffd said \ufffd.")
    [(flags,)] = conn.execute("SELECT flags FROM articles WHERE origin LIKE '%invalid-utf8.txt'").fetchall()
    assert "decode-replaced" in flags.split(",")


def _check_lone_surrogate(conn):
    assert stored_text(conn, "lone-surrogate.jsonl:1") == "Sirens sounded in Odesa \ufffd on Sunday."
    assert conn.execute("SELECT title FROM articles WHERE origin LIKE '%lone-surrogate.jsonl:1'").fetchone() == ("\ufffd",)


def _check_odd_names(conn):
    assert stored_text(conn, "/bad\\xffname.txt") == make_bad.GOOD.replace("Friday", "Sunday")


def _check_quoted_newlines(conn):
    assert stored_text(conn, "quoted-newlines.csv:3") == "Floods reached Dadu\nin Sindh province on Tuesday."
    assert stored_text(conn, "quoted-newlines.csv:6") == 'Sirens sounded in Odesa\n\non Sunday, said "officials".'


def _check_script(conn):
    text = stored_text(conn, "script.html")
    assert "Dadu" in text
    assert not any(bad in text for bad in ("alert", "injected", "<", "onclick"))


def _check_no_places(conn):
    assert _events_of(conn, "no-places.txt") == 0


def _check_real_dates(conn):
    rows = conn.execute("SELECT event_date, date_precision FROM events").fetchall()
    assert len(rows) > 1 and all(date.fromisoformat(d) for d, _ in rows if d is not None)
    assert all(precision == "none" for d, precision in rows if d is None)  # undated, never a made-up day


def _write(name: str, text: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).write_text(text)


def _unreadable_folder(folder: Path) -> None:
    (folder / "locked").mkdir()
    (folder / "locked" / "inside.txt").write_text(make_bad.GOOD)
    (folder / "locked").chmod(0)


def _unreadable_file(folder: Path) -> None:
    (folder / "locked.txt").write_text(make_bad.GOOD.replace("Friday", "Monday"))
    (folder / "locked.txt").chmod(0)


BIG = 50 * 2**20
LINE = 5 * 2**20
CELL = 10 * 2**20

CASES = [
    Case("empty file", committed("empty.txt"), rejected=(("empty.txt", "empty file"),)),
    Case("whitespace only", committed("whitespace.txt"), rejected=(("whitespace.txt", "empty file"),)),
    Case("binary named .txt", committed("binary.txt"), rejected=(("binary.txt", "binary data, not text"),)),
    Case("Latin-1", committed("latin1.txt"), stored=1, check=_check_latin1),
    Case("Windows-1252", committed("cp1252.txt"), stored=1, check=_check_cp1252),
    Case("UTF-16 with BOM", committed("utf16-bom.txt"), stored=1, check=_check_utf16),
    Case("invalid UTF-8", committed("invalid-utf8.txt"), stored=1, check=_check_invalid_utf8,
         flagged=(("invalid-utf8.txt", "stored with undecodable bytes replaced by U+FFFD"),)),
    Case("UTF-16 with a broken surrogate", committed("utf16-damaged.txt"), stored=1,
         flagged=(("utf16-damaged.txt", "stored with undecodable bytes replaced by U+FFFD"),)),
    Case("JSON with lone surrogates", committed("lone-surrogate.jsonl"), stored=1, check=_check_lone_surrogate,
         flagged=(("lone-surrogate.jsonl:1", "stored with undecodable bytes replaced by U+FFFD"),)),
    Case("file names with a newline and a non-UTF-8 byte", make_bad.odd_names, stored=1, check=_check_odd_names,
         rejected=(("empty\\nline.txt", "empty file"),)),
    Case("50 MB text file", lambda f: make_bad.big_text(f / "big.txt", BIG),
         rejected=(("big.txt", TOO_LONG.format(BIG)),)),
    Case("file over the size limit", lambda f: make_bad.sparse_file(f / "huge.jsonl", MAX_FILE_BYTES + 2**20),
         rejected=(("huge.jsonl", f"file is {MAX_FILE_BYTES // 2**20 + 1} MiB; files over "
                                  f"{MAX_FILE_BYTES // 2**20} MiB are not read (split it)"),)),
    Case("single 5 MB line", _write("line.txt", make_bad.one_line(LINE)), rejected=(("line.txt", TOO_LONG.format(LINE)),)),
    Case("5 MB line in a dump", lambda f: make_bad.long_line_jsonl(f / "line.jsonl", LINE), stored=2,
         rejected=(("line.jsonl:2", TOO_LONG.format(LINE)),)),
    Case("JSON Lines, one malformed line", committed("malformed-line.jsonl"), stored=3,
         rejected=(("malformed-line.jsonl:3", "malformed JSON line: Expecting value"),)),
    Case("JSON object, not a list", committed("object.json"), stored=1),
    Case("JSON object without text", committed("object-without-text.json"),
         rejected=(("object-without-text.json", "record has no 'text' field"),)),
    Case("CSV without text column", committed("no-text-column.csv"),
         rejected=(("no-text-column.csv", "CSV has no 'text' column"),)),
    Case("CSV with quoted newlines", committed("quoted-newlines.csv"), stored=2, check=_check_quoted_newlines),
    Case("CSV with a 10 MB cell", lambda f: make_bad.big_cell_csv(f / "cell.csv", CELL), stored=1,
         rejected=(("cell.csv:2", TOO_LONG.format(CELL)),)),
    Case("HTML without a body", committed("no-body.html"),
         rejected=(("no-body.html", "no article text found in the HTML"),)),
    Case("HTML with scripts and handlers", committed("script.html"), stored=1, check=_check_script),
    Case("another language", committed("other-language.txt"), stored=1),
    Case("no places", committed("no-places.txt"), stored=1, check=_check_no_places),
    Case("no dates", committed("no-dates.txt"), stored=1),
    Case("31 February, year 0", committed("impossible-dates.txt"), stored=1, check=_check_real_dates),
    Case("published not a date", committed("bad-published.jsonl"), stored=3, flagged=(
        ("bad-published.jsonl:1", "stored without its 'published' value, which is not a publication date"),
        ("bad-published.jsonl:2", "stored without its 'published' value, which is not a publication date"),
        ("bad-published.jsonl:3", "stored without its 'published' value, which is not a publication date"))),
    Case("symlink loops", lambda f: make_bad.symlink_loops(f / "loops"), rejected=(
        ("loops/again", "link to a folder already read ({folder}/loops); not followed"),
        ("loops/self.txt", "cannot read: Too many levels of symbolic links"))),
    Case("file gone before it is read", lambda f: os.symlink("vanished.txt", f / "gone.txt"),
         rejected=(("gone.txt", "cannot read: No such file or directory"),)),
    Case("named pipe", lambda f: os.mkfifo(f / "pipe.txt"),
         rejected=(("pipe.txt", "not a regular file (a pipe, socket or device)"),)),
    Case("folder without read permission", _unreadable_folder, unprivileged=True,
         rejected=(("locked", "cannot read folder: Permission denied"),)),
    Case("file without read permission", _unreadable_file, unprivileged=True,
         rejected=(("locked.txt", "cannot read: Permission denied"),)),
]


def _without_root_powers() -> None:
    """Runs in the child before exec: root reads any file, so drop the two capabilities that let it
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) and permission bits apply to it as to anyone."""
    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop = 24
    for capability in (1, 2):
        if libc.prctl(pr_capbset_drop, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def run_cli(*args, unprivileged: bool = False) -> subprocess.CompletedProcess:
    drop = _without_root_powers if unprivileged and os.geteuid() == 0 else None
    return subprocess.run([sys.executable, "-m", "pipeline", "run", *map(str, args), "--quiet"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, preexec_fn=drop)


def db_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        log = dict(conn.execute("SELECT status, COUNT(*) FROM input_log GROUP BY status").fetchall())
        return {
            "stored": conn.execute("SELECT COUNT(*) FROM articles WHERE status = 'stored'").fetchone()[0],
            "rejected": conn.execute("SELECT COUNT(*) FROM articles WHERE status = 'rejected'").fetchone()[0],
            "events": conn.execute("SELECT COUNT(DISTINCT group_id) FROM events WHERE role IN "
                                   "('event', 'origin', 'destination')").fetchone()[0],
            "reports": conn.execute("SELECT COUNT(*) FROM events WHERE role IN "
                                    "('event', 'origin', 'destination')").fetchone()[0],
            "logged": sum(log.values()), "logged_stored": log.get("stored", 0),
            "logged_duplicate": log.get("duplicate", 0), "logged_rejected": log.get("rejected", 0),
        }


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case, tmp_path, gazetteer_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(make_bad.GOOD)
    case.build(folder)
    db = tmp_path / "events.db"
    result = run_cli(folder, "--db", db, unprivileged=case.unprivileged)

    assert "Traceback" not in result.stderr
    expected = [f"rejected: {folder / where}: {why.format(folder=folder.resolve())}" for where, why in case.rejected]
    expected += [f"flagged: {folder / where}: {why}" for where, why in case.flagged]
    assert result.stderr.splitlines() == expected
    assert result.returncode == (1 if case.rejected else 0)

    read, stored, events, reports, duplicates, rejected = map(int, SUMMARY.match(result.stdout.strip()).groups())
    assert (stored, rejected) == (1 + case.stored, len(case.rejected))
    counts = db_counts(db)
    assert counts["stored"] == counts["logged_stored"] == stored
    assert counts["rejected"] == counts["logged_rejected"] == rejected
    assert counts["logged_duplicate"] == duplicates and counts["logged"] == read == stored + duplicates + rejected
    assert (counts["events"], counts["reports"]) == (events, reports)
    with sqlite3.connect(db) as conn:
        assert stored_text(conn, "/good.txt") == make_bad.GOOD
        if case.check:
            case.check(conn)


def test_bad_input_extraction_failure_rejects_the_article_not_the_run(tmp_path, gazetteer_path):
    """A text our NLP code fails on (a relative date past the calendar's end overflowed the date rules) is one
    rejected article with the error's one-line reason; the run goes on and stores the rest."""
    (tmp_path / "good.txt").write_text(make_bad.GOOD)
    absurd = tmp_path / "absurd.txt"
    absurd.write_text("Shelling hit Kharkiv 99999999999999999999 days ago, and 10 years ago in year 1.")
    result = run_cli(tmp_path, "--db", tmp_path.parent / "e.db")
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) <= 1 and all(line.startswith(f"rejected: {absurd}: extraction failed: ") for line in lines)
    assert result.returncode == (1 if lines else 0)
    assert db_counts(tmp_path.parent / "e.db")["stored"] == 2 - len(lines)


def test_bad_input_extraction_errors_go_to_on_error_and_the_rest_go_on(extractor):
    """Called as a library, with a publication date at the calendar's start that ingest would refuse: whatever
    the date rules make of it, every article comes out once, as an extraction or as an error, in order."""
    texts = [make_bad.GOOD, "Shelling hit Kharkiv last Friday.", "Sirens sounded in Odesa on Sunday, Sept. 4, 2022."]
    articles = [Article(article_id=str(i), text=t, origin=str(i), source="s", published=day)
                for i, (t, day) in enumerate(zip(texts, [date(2022, 9, 10), date(1, 1, 1), None]))]
    failed = []
    done = [x.article.origin for x in extractor.extract(articles,
                                                         on_error=lambda a, exc: failed.append(a.origin))]
    assert done[0] == "0" and done[-1] == "2" and sorted(done + failed) == ["0", "1", "2"]


@pytest.mark.parametrize("value, reason", [
    ("2022-02-31", "'2022-02-31' is not a date (expected YYYY-MM-DD)"),
    ("0000-01-01", "'0000-01-01' is not a date (expected YYYY-MM-DD)"),
    ("0001-01-01", "'0001-01-01' is not a publication date (expected 1000-01-01 to 9000-12-31)"),
])
def test_bad_input_published_option_not_a_date(tmp_path, value, reason):
    (tmp_path / "good.txt").write_text(make_bad.GOOD)
    result = run_cli(tmp_path / "good.txt", "--db", tmp_path / "e.db", "--published", value)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].endswith(f"error: argument --published: {reason}")
    assert "Traceback" not in result.stderr and not (tmp_path / "e.db").exists()


def test_bad_input_help_documents_exit_codes_and_limits():
    help_text = subprocess.run([sys.executable, "-m", "pipeline", "run", "--help"], cwd=ROOT, capture_output=True,
                               text=True).stdout
    for line in ("0  every input was stored", "1  the run finished, but some inputs were rejected",
                 "2  the command line is wrong", "3  nothing could be processed", "rejected: FILE[:LINE]: REASON",
                 f"files over {MAX_FILE_BYTES // 2**20} MiB", f"{MAX_ARTICLE_CHARS:,} characters"):
        assert line in help_text


def test_bad_input_file_deleted_mid_walk_is_reported(tmp_path):
    """Listed by the folder walk, deleted before it is read: a rejection naming it, and the walk goes on."""
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(f"{make_bad.GOOD} ({name})")
    items = Ingestor().read([str(tmp_path)])
    first = next(items)
    (tmp_path / "b.txt").unlink()
    rest = list(items)
    assert isinstance(first, Article) and first.origin == str(tmp_path / "a.txt")
    assert rest[0] == Rejection(str(tmp_path / "b.txt"), "cannot read: No such file or directory")
    assert isinstance(rest[1], Article) and rest[1].origin == str(tmp_path / "c.txt")


def test_bad_input_committed_corpus_matches_its_generator(tmp_path):
    make_bad.write_small(tmp_path)
    for name in make_bad.SMALL:
        assert (tmp_path / name).read_bytes() == (BAD / name).read_bytes(), name
