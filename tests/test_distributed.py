"""`pipeline run --workers N` and `--scheduler tcp://…` on a real Dask engine: a LocalCluster, and a `dask scheduler`
with two `dask worker` processes on 127.0.0.1 started here. The rows are those of one process, row by row."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from stores import _free_port, rows, wait_until

from pipeline import config

DASK = Path(sys.executable).parent / "dask"
# Every stored column but the times and run ids, which differ between any two runs.
TABLES = {
    "articles": "SELECT article_id, origin, status, reason, source, url, title, published_date, published_basis,"
                " text_hash, flags, n_events FROM articles ORDER BY article_id",
    "events": "SELECT * FROM events ORDER BY event_id",
    "unresolved_places": "SELECT * FROM unresolved_places ORDER BY 1, 2, 3",
    "input_log": "SELECT origin, status, reason, article_id FROM input_log ORDER BY origin, status",
}
# A local paper whose bare "Richmond" is Kentucky's once its other articles have taught it its home (homes.py):
# a run that read a source's articles apart from each other would place it in Virginia.
LOCAL = ["Deputies in Berea, Kentucky, arrested a man on Friday.",
         "The Madison County, Kentucky, fair opens in Lexington, Kentucky, on Monday.",
         "Schools in Berea, Kentucky, closed early on Tuesday after a storm.",
         "Richmond police said the road reopened on Monday after the crash.",
         "A fire damaged a warehouse in Richmond on Sunday, firefighters said."]


def inputs(folder: Path) -> list[str]:
    """The sample articles, a local paper, two wires and a duplicate: sources of different sizes, interleaved."""
    lines = []
    for i in range(24):
        if i % 3 == 0 and i // 3 < len(LOCAL):
            lines.append({"text": LOCAL[i // 3], "source": "Richmond Register", "published": f"2009-03-{i + 1:02d}"})
        wire = "Wire A" if i % 2 else "Wire B"
        lines.append({"text": f"Floods reached Dhaka and Sylhet on day {i}, officials said, and roads closed.",
                      "source": wire, "published": f"2022-09-{i % 28 + 1:02d}"})
    lines.append(dict(lines[1]))  # the same text again: a duplicate
    dump = folder / "mixed.jsonl"
    dump.write_text("\n".join(json.dumps(line) for line in lines))
    return [str(config.ROOT / "data" / "articles"), str(dump)]


def run(db: str, paths: list[str], *options: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "run", *paths, "--db", db, "--quiet", *options],
                          cwd=config.ROOT, capture_output=True, text=True, timeout=timeout)


def table_rows(db: str) -> dict[str, list[tuple]]:
    return {name: [tuple(r) for r in rows(db, sql)] for name, sql in TABLES.items()}


@pytest.fixture(scope="module")
def one_process(tmp_path_factory):
    folder = tmp_path_factory.mktemp("one")
    paths = inputs(folder)
    db = str(folder / "one.db")
    done = run(db, paths)
    assert done.returncode == 0, done.stderr
    return paths, table_rows(db), done.stdout


def start_cluster(workers: int) -> tuple[str, subprocess.Popen, list[subprocess.Popen]]:
    """A `dask scheduler` and `workers` `dask worker` processes on 127.0.0.1, run from the project (as a team
    would), once every worker has joined: (address, scheduler, workers)."""
    from distributed import Client

    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(config.ROOT)}
    common = dict(cwd=config.ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    scheduler = subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], **common)
    address = f"tcp://127.0.0.1:{port}"
    started = [subprocess.Popen([str(DASK), "worker", address, "--nworkers", "1", "--nthreads", "1",
                                 "--no-dashboard", "--host", "127.0.0.1"], **common) for _ in range(workers)]
    assert wait_until(lambda: _workers(Client, address) == workers, seconds=60)
    return address, scheduler, started


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def cluster():
    address, scheduler, workers = start_cluster(2)
    yield address, workers
    stop([*workers, scheduler])


def _workers(client_class, address: str) -> int:
    try:
        with client_class(address, timeout=2) as client:
            return len(client.scheduler_info(n_workers=-1)["workers"])
    except OSError:
        return 0


def test_tasks_are_whole_sources_even_in_text_heaviest_first():
    from pipeline.distributed import shares
    from pipeline.models import Article

    sizes = {"big": (3, 1000), "mid": (4, 300), "small": (5, 100), "tiny": (2, 50)}  # articles, characters each
    articles = [Article(article_id=f"{name}-{k}", text="x" * chars, origin=f"{name}-{k}", source=name)
                for k in range(5) for name, (n, chars) in sizes.items() if k < n]
    tasks = shares(articles, 2)
    assert sorted(n for task in tasks for n, _ in task) == list(range(len(articles)))  # each once
    sources = [{a.source for _, a in task} for task in tasks]
    assert sources == [{"big"}, {"mid", "small", "tiny"}]  # 3,000 characters, then 1,800: whole sources
    assert all([n for n, _ in task] == sorted(n for n, _ in task) for task in tasks)  # the run's order kept


def test_two_local_workers_store_the_rows_of_one_process(one_process, tmp_path):
    paths, expected, summary = one_process
    db = str(tmp_path / "two.db")
    done = run(db, paths, "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert done.stdout == summary  # the same one-line summary
    got = table_rows(db)
    for table in TABLES:
        assert got[table] == expected[table], table
    richmond = rows(db, "SELECT DISTINCT admin1 FROM events WHERE place_name = 'Richmond'")
    assert richmond == [("Kentucky",)]  # the source's home reached its later articles on another worker's share


def test_a_scheduler_with_two_workers_stores_the_rows_of_one_process(one_process, cluster, tmp_path):
    paths, expected, summary = one_process
    address, _ = cluster
    db = str(tmp_path / "cluster.db")
    done = run(db, paths, "--scheduler", address)
    assert done.returncode == 0, done.stderr
    assert done.stdout == summary and table_rows(db) == expected


def test_a_worker_killed_mid_run_changes_nothing(cluster, tmp_path):
    """kill -9 one of the cluster's workers while the run extracts: Dask runs its task again (the worker's nanny
    starts a new one), and the store is exactly that of one process."""
    address, workers = cluster
    towns = ["Dhaka", "Sylhet", "Khulna", "Kharkiv", "Izium", "Kherson", "Odesa", "Mykolaiv", "Lviv", "Sumy"]
    lines = [{"text": " ".join(f"Shelling hit {towns[i % 10]} and {towns[(i + k) % 10]} on day {i}, officials said, "
                               f"and {k + 2} people were hurt in the strikes near the station." for k in range(12)),
              "source": f"Wire {i % 6}", "published": f"2022-09-{i % 28 + 1:02d}"} for i in range(160)]
    dump = tmp_path / "many.jsonl"
    dump.write_text("\n".join(json.dumps(line) for line in lines))
    one = str(tmp_path / "one.db")
    assert run(one, [str(dump)]).returncode == 0
    db = str(tmp_path / "killed.db")
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(dump), "--db", db, "--quiet",
                                "--scheduler", address], cwd=config.ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        import psutil

        assert wait_until(lambda: Path(db).exists() and _stored(db) >= 1, seconds=120)
        [victim] = [c for c in psutil.Process(workers[0].pid).children() if "spawn_main" in " ".join(c.cmdline())]
        victim.send_signal(signal.SIGKILL)  # the worker, not its nanny (which starts a new one)
        at_kill = _stored(db)
        out, err = process.communicate(timeout=600)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert at_kill < 160  # the kill landed mid-run
    assert table_rows(db) == table_rows(one)


def _stored(db: str) -> int:
    try:
        return rows(db, "SELECT COUNT(*) FROM articles WHERE status = 'stored'")[0][0]
    except Exception:  # noqa: BLE001 - the run has not created its tables yet
        return 0


def test_an_unreachable_scheduler_is_one_line_and_exit_3(tmp_path):
    done = run(str(tmp_path / "x.db"), [str(config.ROOT / "data" / "articles")], "--scheduler",
               f"tcp://127.0.0.1:{_free_port()}", timeout=120)
    assert done.returncode == 3 and done.stderr.startswith("error: ") and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_the_scheduler_lost_mid_run_is_one_line_and_a_rerun_finishes(tmp_path):
    lines = [{"text": " ".join(f"Floods reached Dhaka on day {i}, and {k} roads closed in Sylhet." for k in range(15)),
              "source": f"Wire {i % 4}", "published": "2022-09-12"} for i in range(120)]
    dump = tmp_path / "many.jsonl"
    dump.write_text("\n".join(json.dumps(line) for line in lines))
    db = str(tmp_path / "lost.db")
    address, scheduler, workers = start_cluster(1)
    try:
        process = subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(dump), "--db", db, "--quiet",
                                    "--scheduler", address], cwd=config.ROOT, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        assert wait_until(lambda: Path(db).exists() and _stored(db) >= 1, seconds=120)
        scheduler.send_signal(signal.SIGKILL)
        out, err = process.communicate(timeout=300)
    finally:
        stop([*workers, scheduler])
    assert process.returncode == 3 and "Traceback" not in err, err
    assert [line for line in err.splitlines() if line.startswith("error: ")] and _stored(db) < 120
    rerun = run(db, [str(dump)])
    assert rerun.returncode == 0, rerun.stderr
    assert _stored(db) == 120 and rows(db, "SELECT COUNT(*) FROM input_log WHERE status = 'rejected'") == [(0,)]
