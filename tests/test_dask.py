"""The Dask executor gives exactly the local results (against a local two-process cluster)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from audit.cli import cli
from tests.test_parallel import make_files

distributed = pytest.importorskip("distributed", reason="the Dask executor needs the 'dask' extra (dask[distributed])")

ROOT = Path(__file__).resolve().parent.parent
TIMING_KEYS = {"elapsed", "duration", "seconds", "timing", "started", "finished"}


def without_timing(obj: Any) -> Any:
    """The JSON document with any timing fields dropped (they differ between runs)."""
    if isinstance(obj, dict):
        return {k: without_timing(v) for k, v in obj.items() if k not in TIMING_KEYS}
    if isinstance(obj, list):
        return [without_timing(v) for v in obj]
    return obj


def check(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["check", "-f", "json", "--no-cache", *args], catch_exceptions=False)
    return r.exit_code, r.output


@pytest.fixture(scope="module")
def scheduler() -> Any:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
    )
    try:
        yield cluster
    finally:
        cluster.close()


def test_dask_results_equal_local_results(tmp_path: Path, scheduler: Any) -> None:
    make_files(tmp_path / "gen", n=9)
    unreadable = tmp_path / "gen" / "broken.md"
    unreadable.symlink_to(tmp_path / "missing-target.md")
    paths = (str(ROOT / "corpus"), str(tmp_path / "gen"), str(unreadable))
    local_code, local = check("--jobs", "1", *paths)
    dask_code, remote = check("--scheduler", scheduler.scheduler_address, *paths)
    # The batches really ran on the cluster.
    assert "check_batch" in scheduler.scheduler.task_prefixes
    assert dask_code == local_code
    assert json.dumps(without_timing(json.loads(remote))) == json.dumps(without_timing(json.loads(local)))
    files = json.loads(remote)["files"]
    assert any(x["rule"] == "IN001" for f in files for x in f["findings"])
    assert any(not x["rule"].startswith("IN") for f in files for x in f["findings"])


def test_dask_executor_option_needs_a_scheduler(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("Hello.\n")
    code, out = check("--executor", "dask", str(tmp_path / "a.md"))
    assert code == 2 and "--scheduler" in out


def test_unreachable_scheduler_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from audit.executors import dask_backend

    monkeypatch.setattr(dask_backend, "CONNECT_TIMEOUT", 1)
    (tmp_path / "a.md").write_text("Hello.\n")
    code, out = check("--scheduler", "tcp://127.0.0.1:1", str(tmp_path / "a.md"))
    assert code == 2 and "cannot reach" in out


def test_dask_workers_make_the_fingerprints_of_the_sarif_log(tmp_path: Path, scheduler: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import audit.gating
    from tests.reporting_fixtures import comparable

    make_files(tmp_path / "gen", n=6)

    def sarif(*args: str) -> str:
        r = CliRunner().invoke(cli, ["check", "-f", "sarif", "--fail-on", "never", *args, str(tmp_path / "gen")],
                               catch_exceptions=False)
        assert r.exit_code == 0, r.output
        return comparable(r.output)

    local = sarif("--no-cache")
    read = []
    real = audit.gating.source_of
    monkeypatch.setattr(audit.gating, "source_of", lambda result: read.append(Path(result.path).name) or real(result))
    assert sarif("--cache-dir", str(tmp_path / "c"), "--scheduler", scheduler.scheduler_address) == local
    # The cluster's workers stamped the findings (only the binary file's are read here), and
    # the cache kept the stamps: a second run reads no more files.
    assert read == ["binary.txt"]
    assert sarif("--cache-dir", str(tmp_path / "c"), "--scheduler", scheduler.scheduler_address) == local
    assert read == ["binary.txt"] * 2


def test_audit_report_on_the_cluster_writes_the_local_reports(tmp_path: Path, scheduler: Any) -> None:
    from tests.reporting_fixtures import comparable

    make_files(tmp_path / "gen", n=6)

    def report(name: str, *args: str) -> dict[str, str]:
        out = tmp_path / name
        r = CliRunner().invoke(cli, ["report", str(tmp_path / "gen"), "-o", str(out), "--fail-on", "never", *args],
                               catch_exceptions=False)
        assert r.exit_code == 0, r.output
        return {p.name: comparable(p.read_text(encoding="utf-8")) for p in sorted(out.iterdir())}

    def batches_run() -> int:
        prefix = scheduler.scheduler.task_prefixes.get("check_batch")
        return 0 if prefix is None else sum(prefix.state_counts.values())

    local = report("local", "--no-cache")
    before = batches_run()
    remote = report("remote", "--no-cache", "--scheduler", scheduler.scheduler_address)
    # The batches ran on the cluster, which sent back each article's text and claims inventory.
    assert batches_run() > before
    assert remote == local
    assert len(local["claims.csv"].splitlines()) > 6 and "Vitamin D cures depression" in local["index.html"]


def test_audit_baseline_on_the_cluster_is_the_local_baseline(tmp_path: Path, scheduler: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    make_files(tmp_path / "docs", n=6)

    def baseline(*args: str) -> list[dict[str, Any]]:
        r = CliRunner().invoke(cli, ["baseline", "docs", "-o", "base.json", "--no-cache", *args], catch_exceptions=False)
        assert r.exit_code == 0, r.output
        return json.loads((tmp_path / "base.json").read_text(encoding="utf-8"))["entries"]

    local = baseline()
    assert len(local) > 10
    assert baseline("--scheduler", scheduler.scheduler_address) == local


class _DieOn(distributed.WorkerPlugin):
    """A Dask worker plugin: the worker's process ends at once when it checks the file named
    ``name`` (as the kernel's out-of-memory killer would end it). Workers the nanny starts
    again get the plugin too, so every attempt at that file loses its worker."""

    def __init__(self, name: str) -> None:
        self.name = name

    def setup(self, worker: Any) -> None:
        import os

        import audit.engine

        real, name = audit.engine.check_input, self.name

        def check_input(inp: Any, *args: Any, **kwargs: Any) -> Any:
            if Path(inp.display).name == name:
                os._exit(137)
            return real(inp, *args, **kwargs)

        audit.engine.check_input = check_input


def test_a_file_that_kills_its_dask_worker_is_reported_and_every_other_file_checked(tmp_path: Path) -> None:
    import dask

    make_files(tmp_path / "gen", n=5)
    folder = str(tmp_path / "gen")
    _, local = check("--jobs", "1", folder)
    # A cluster of its own: one retry of a task whose worker died, then KilledWorker.
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=50
        )
    try:
        with distributed.Client(cluster) as client:
            client.register_plugin(_DieOn("a02.html"), name="die-on-a02")
        # (The report goes to a file: the cluster logs its lost workers on standard error.)
        code, _ = check("--fail-on", "error", "--scheduler", cluster.scheduler_address, "-o", str(tmp_path / "out.json"), folder)
    finally:
        cluster.close()
    assert code == 1
    got, want = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["files"], json.loads(local)["files"]
    assert [f["path"] for f in got] == [f["path"] for f in want]
    for g, w in zip(got, want):
        if g["path"].endswith("a02.html"):
            assert [x["rule"] for x in g["findings"]] == ["IN005"]
        else:
            assert without_timing(g) == without_timing(w)


def test_killed_workers_and_lost_inputs_are_lost_workers() -> None:
    from distributed.client import FutureCancelledError

    from audit.executors.dask_backend import DaskExecutor

    ex = DaskExecutor.__new__(DaskExecutor)
    ex._job_future = job = object()
    assert not ex.lost(ValueError("a rule failed")) and ex._job_future is job
    assert ex.lost(distributed.KilledWorker("check_batch-1", None, 1))  # type: ignore[arg-type]
    assert ex._job_future is None  # scattered again with the next batch
    assert ex.lost(FutureCancelledError("check_batch-2", "already forgotten"))
