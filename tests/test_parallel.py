"""Parallel checking: identical output in input order, bounded work in flight, picklable config."""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from audit import parallel
from audit.cli import cli
from audit.config import from_dict
from audit.engine import FileResult, Input, discover, run

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

ARTICLE = """# {title}

Vitamin D cures depression in {n} weeks, a new study proves. Doctors hate this
one simple trick, which is 100% safe and guaranteed to work for everyone.

Researchers followed {n}00 adults for two years. Those who took the supplement
reported fewer symptoms, but the trial was small and not blinded, so the
result may not hold up.

<!-- audit: disable-next-line -->
Our clinic offers the most advanced, cutting-edge treatment available today.
"""


def make_files(folder: Path, n: int = 12) -> list[Path]:
    """A small mixed corpus: Markdown, text, HTML, an empty file and a binary file."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        ext = (".md", ".txt", ".html")[i % 3]
        body = ARTICLE.format(title=f"Article {i}", n=i + 1)
        if ext == ".html":
            body = f"<html><body><h1>Article {i}</h1><p>{body}</p></body></html>"
        p = folder / f"a{i:02d}{ext}"
        p.write_text(body, encoding="utf-8")
        paths.append(p)
    (folder / "empty.md").write_text("", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\xff\xfe" * 50)
    return paths


def cli_json(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["check", "-f", "json", "--fail-on", "never", *args], env=env, catch_exceptions=False)
    return r.exit_code, r.output


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


def test_jobs_2_output_is_byte_identical_to_jobs_1(tmp_path: Path) -> None:
    make_files(tmp_path / "gen")
    paths = (str(CORPUS), str(tmp_path / "gen"))
    code1, out1 = cli_json("--jobs", "1", "--no-cache", *paths)
    code2, out2 = cli_json("--jobs", "2", "--no-cache", *paths)
    assert code1 == code2 == 0
    assert out1 == out2
    files = [f["path"] for f in json.loads(out1)["files"]]
    assert len(files) == len(os.listdir(CORPUS)) + 14
    # The binary file produced an input finding in both runs, at its place in the order.
    rec = next(f for f in json.loads(out2)["files"] if f["path"].endswith("binary.txt"))
    assert any(x["rule"] == "IN002" for x in rec["findings"])


def test_results_come_back_in_input_order(tmp_path: Path) -> None:
    make_files(tmp_path, n=40)
    cfg = from_dict({})
    inputs = discover([str(tmp_path)], cfg)
    # Reverse the order: the output must follow the input list, not file names.
    inputs = list(reversed(inputs))
    serial = [r.as_record() for r in run(inputs, cfg)]
    par = list(run(inputs, cfg, jobs=2))
    assert [r.path for r in par] == [i.display for i in inputs]
    assert [r.as_record() for r in par] == serial
    assert all(r.document is None for r in par)


def test_keep_documents_runs_in_this_process(tmp_path: Path) -> None:
    make_files(tmp_path, n=4)
    cfg = from_dict({})
    inputs = discover([str(tmp_path)], cfg)
    results = list(run(inputs, cfg, keep_documents=True, jobs=2))
    readable = [r for r in results if r.sha256 and not r.path.endswith(("binary.txt",))]
    assert readable and all(r.document is not None for r in readable)


def test_jobs_values() -> None:
    assert parallel.resolve_jobs(0) == parallel.resolve_jobs("auto") == parallel.available_cpus() >= 1
    assert parallel.resolve_jobs("3") == 3
    with pytest.raises(ValueError):
        parallel.resolve_jobs("-1")
    with pytest.raises(ValueError):
        parallel.resolve_jobs("many")


def test_bad_jobs_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("Hello.\n")
    code, out = cli_json("--jobs", "lots", str(tmp_path / "a.md"))
    assert code == 2 and "--jobs" in out


class _CountingExecutor:
    """Checks batches in this process and records how many are outstanding at most."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.outstanding = 0
        self.peak = 0
        self.batches: list[int] = []
        self.closed = False

    def submit(self, batch: list[Input]) -> Any:
        self.outstanding += 1
        self.peak = max(self.peak, self.outstanding)
        self.batches.append(len(batch))
        outer = self

        class Fut:
            def result(self) -> list[FileResult]:
                outer.outstanding -= 1
                return [FileResult(path=i.display, format=i.format, sha256="x") for i in batch]

        return Fut()

    def close(self) -> None:
        self.closed = True


def test_work_in_flight_is_bounded_and_results_stream() -> None:
    inputs = [Input(display=f"f{i}.md", path=None, relpath=f"f{i}.md", format="markdown", data=b"x") for i in range(3000)]
    ex = _CountingExecutor(workers=2)
    it = parallel.run(inputs, from_dict({}), executor=ex)
    first = next(it)
    assert first.path == "f0.md"
    # The first result is available long before all inputs were submitted.
    assert sum(ex.batches) < len(inputs)
    rest = list(it)
    assert [r.path for r in [first, *rest]] == [i.display for i in inputs]
    assert ex.peak <= 2 * parallel.IN_FLIGHT_PER_WORKER + 1
    assert max(ex.batches) <= parallel.MAX_BATCH
    assert ex.closed


def test_config_with_overrides_pickles_for_workers(tmp_path: Path) -> None:
    cfg = from_dict({"overrides": [{"files": ["drafts/**"], "readability": {"target": 12}}], "exclude": ["x/"]})
    portable = pickle.loads(pickle.dumps(parallel.portable_config(cfg)))
    for rel in ("drafts/a.md", "final/a.md"):
        assert portable.settings_for(rel) == cfg.settings_for(rel)
    assert portable.settings_for("drafts/a.md").readability_target == 12
    assert portable.digest() == cfg.digest()


def test_overrides_apply_in_worker_processes(tmp_path: Path) -> None:
    (tmp_path / "drafts").mkdir()
    (tmp_path / "audit.toml").write_text('[[overrides]]\nfiles = ["drafts/**"]\nignore = ["ALL"]\n')
    make_files(tmp_path / "drafts", n=3)
    make_files(tmp_path / "final", n=3)
    code1, out1 = cli_json("--jobs", "1", "--no-cache", str(tmp_path))
    code2, out2 = cli_json("--jobs", "2", "--no-cache", str(tmp_path))
    assert code1 == code2 == 0
    assert out1 == out2
    recs = json.loads(out1)["files"]
    drafts = [f for f in recs if "/drafts/" in f["path"]]
    final = [f for f in recs if "/final/" in f["path"]]
    # IN002 (binary) is an input problem and always reported; rules are off in drafts/ only.
    assert all(x["rule"].startswith("IN") for f in drafts for x in f["findings"])
    assert any(not x["rule"].startswith("IN") for f in final for x in f["findings"])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_exit_when_the_parent_is_killed(tmp_path: Path) -> None:
    make_files(tmp_path / "many", n=300)

    def children(pid: int) -> list[int]:
        out: list[int] = []
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out += [int(x) for x in fh.read().split()]
        return out

    def alive(pid: int) -> bool:
        try:
            with open(f"/proc/{pid}/status") as fh:
                return "\nState:\tZ" not in fh.read()
        except OSError:
            return False

    audit = [sys.executable, "-m", "audit", "check", "--no-cache", "--jobs", "2", "-f", "json", str(tmp_path / "many")]
    proc = subprocess.Popen(audit, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    for _ in range(400):  # wait for the pool to start
        workers = children(proc.pid) if proc.poll() is None else []
        if len(workers) >= 2 or proc.poll() is not None:
            break
        time.sleep(0.05)
    if len(workers) < 2:
        proc.kill()
        pytest.skip("the run ended before its workers could be observed")
    proc.kill()  # no chance to shut the pool down
    proc.wait()
    for _ in range(200):
        if not any(alive(w) for w in workers):
            break
        time.sleep(0.05)
    left = [w for w in workers if alive(w)]
    for w in left:
        os.kill(w, signal.SIGKILL)
    assert not left


@pytest.mark.parametrize("layout, expected", [
    ({"cgroup": "0::/ci/job-1\n", "ci/job-1/cpu.max": "150000 100000\n"}, 2),       # v2, the process's own group
    ({"cgroup": "0::/\n", "cpu.max": "50000 100000\n"}, 1),                         # v2 inside a container
    ({"cgroup": "0::/\n", "cpu.max": "max 100000\n"}, None),                        # v2, no quota
    ({"cgroup": "4:cpu,cpuacct:/job\n0::/\n", "cpu,cpuacct/job/cpu.cfs_quota_us": "400000\n",
      "cpu,cpuacct/job/cpu.cfs_period_us": "100000\n"}, 4),                          # v1
    ({"cgroup": "1:cpu:/\n0::/\n", "cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
    ({"cgroup": "0::/\n"}, None),                                                   # nothing to read
    ({"cgroup": "0::/ci.slice/job-1\n", "ci.slice/job-1/cpu.max": "max 100000\n",
      "ci.slice/cpu.max": "300000 100000\n", "cpu.max": "max 100000\n"}, 3),         # v2, a quota on a parent group
    ({"cgroup": "0::/a/b\n", "a/b/cpu.max": "400000 100000\n", "a/cpu.max": "200000 100000\n"}, 2),  # the smallest
])
def test_cgroup_cpu_quota(tmp_path: Path, layout: dict[str, str], expected: int | None) -> None:
    root = tmp_path / "sys"
    for name, text in layout.items():
        target = tmp_path / "cgroup" if name == "cgroup" else root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    assert parallel.cgroup_cpu_quota(str(tmp_path / "cgroup"), str(root)) == expected
    assert parallel.cgroup_cpu_quota(str(tmp_path / "missing")) is None


def test_auto_jobs_follow_the_cpus_this_process_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3, 4, 5, 6, 7}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    monkeypatch.setattr(parallel, "cgroup_cpu_quota", lambda: None)
    assert parallel.resolve_jobs("auto") == parallel.resolve_jobs(0) == 8  # the affinity mask, not the host
    monkeypatch.setattr(parallel, "cgroup_cpu_quota", lambda: 2)
    assert parallel.resolve_jobs("auto") == 2  # a container limited to two CPUs
    assert parallel.resolve_jobs("5") == 5  # an explicit number is taken as given


def _entries(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.rglob("*.entry"))}


def test_workers_encode_the_cache_entries_the_run_would_have_written(tmp_path: Path) -> None:
    # With workers, each result comes back with its cache entry encoded where its file was
    # checked; the run only writes it. The folder is byte for byte what one process writes.
    make_files(tmp_path / "gen")
    one, two = tmp_path / "one", tmp_path / "two"
    _, fresh = cli_json("--no-cache", str(CORPUS), str(tmp_path / "gen"))
    for jobs, folder in (("1", one), ("2", two)):
        code, filling = cli_json("--jobs", jobs, "--cache-dir", str(folder), str(CORPUS), str(tmp_path / "gen"))
        assert code == 0
        # (With workers the results came as their entries alone, served as from hits.)
        assert filling == fresh
    assert _entries(one) == _entries(two) and len(_entries(one)) >= len(os.listdir(CORPUS)) + 12
    for fmt_args in ((), ("--jobs", "2")):
        _, cached = cli_json(*fmt_args, "--cache-dir", str(two), str(CORPUS), str(tmp_path / "gen"))
        _, fresh = cli_json(*fmt_args, "--no-cache", str(CORPUS), str(tmp_path / "gen"))
        assert cached == fresh


def test_a_result_checked_in_a_worker_comes_as_its_entry_alone(tmp_path: Path) -> None:
    from audit.cache import ResultCache

    paths = make_files(tmp_path / "gen", 3)
    cfg = from_dict({})
    cache = ResultCache(cfg, tmp_path / "c")
    inputs = list(discover([str(tmp_path / "gen")], cfg))
    plain = parallel.check_batch(parallel.Job(cfg, cache_entries=cache.encoder), inputs)
    shipped = pickle.loads(pickle.dumps(parallel.check_batch(
        parallel.Job(cfg, cache_entries=cache.encoder, ship_entries=True), inputs)))
    # A result that has an entry crosses as the entry; one that cannot be stored (the binary
    # file's message names its path) as itself.
    kinds = {Path(i.display).name: type(r).__name__ for i, r in zip(inputs, shipped)}
    assert kinds == {**{p.name: "Shipped" for p in paths}, "empty.md": "Shipped", "binary.txt": "FileResult"}
    for inp, fresh, sent in zip(inputs, plain, shipped):
        if not isinstance(sent, parallel.Shipped):
            continue
        served = cache.put_shipped(inp, sent.entry)
        assert "_load_findings" in vars(served)  # nothing decoded yet: the JSON report copies the record
        assert served.as_record() == fresh.as_record() and served.tally() == fresh.tally()
    assert cache.puts == 4 and len(list((tmp_path / "c").rglob("*.entry"))) == 4
    # The reports that read the documents get whole results: an entry holds no text.
    job = parallel.Job(cfg, cache_entries=cache.encoder, ship_entries=True, report_data=True)
    assert not any(isinstance(r, parallel.Shipped) for r in parallel.check_batch(job, inputs))


def test_an_entry_encoded_in_a_worker_survives_pickling_and_is_stored_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from audit.cache import Encoded, ResultCache

    paths = make_files(tmp_path / "gen", 3)
    cfg = from_dict({})
    cache = ResultCache(cfg, tmp_path / "c")
    inputs = [inp for inp in discover([str(p) for p in paths], cfg)]
    job = parallel.Job(cfg, cache_entries=cache.encoder)
    results = pickle.loads(pickle.dumps(parallel.check_batch(job, inputs)))
    assert all(isinstance(vars(r).get("_cache_entry"), Encoded) for r in results)
    made = [vars(r)["_cache_entry"] for r in results]
    assert made == [cache.encoder.encode(i, r) for i, r in zip(inputs, results)]

    def boom(*args: Any) -> None:
        raise AssertionError("the entry came with the result: nothing to encode here")

    monkeypatch.setattr(type(cache.encoder), "encode", boom)
    assert all(cache.put(i, r) for i, r in zip(inputs, results))
    assert sorted(p.read_bytes() for p in (tmp_path / "c").rglob("*.entry")) == sorted(e.blob for e in made)
    assert all("_cache_entry" not in vars(r) for r in results)  # (not carried on to the reports)


# --- a worker process lost while checking (killed, out of memory, crashed) ------------------


def _die_in_workers_on(monkeypatch: pytest.MonkeyPatch, names: tuple[str, ...]) -> None:
    """Make a worker process end at once (as the kernel's out-of-memory killer would end it)
    when it checks a file whose name is in ``names`` (``"*"``: every file). The worker processes
    are forked from this one, so they inherit the patch; this process checks as usual."""
    import audit.engine

    parent = os.getpid()
    real = audit.engine.check_input

    def check_input(inp: Input, *args: Any, **kwargs: Any) -> FileResult:
        if os.getpid() != parent and ("*" in names or Path(inp.display).name in names):
            os._exit(137)
        return real(inp, *args, **kwargs)

    monkeypatch.setattr(audit.engine, "check_input", check_input)


@pytest.mark.skipif(sys.platform != "linux", reason="the patch reaches the workers where they are forked")
def test_a_file_that_kills_its_worker_is_reported_and_every_other_file_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_files(tmp_path / "gen", n=30)
    folder = str(tmp_path / "gen")
    _, reference = cli_json("--jobs", "1", "--no-cache", folder)
    _die_in_workers_on(monkeypatch, ("a07.txt",))
    for _ in range(2):  # the second run with the cache: the lost file is not served from it
        code, out = cli_json("--jobs", "2", "--fail-on", "error", folder)
        assert code == 1
        files = json.loads(out)["files"]
        expected = json.loads(reference)["files"]
        assert [f["path"] for f in files] == [f["path"] for f in expected]
        for got, want in zip(files, expected):
            if got["path"].endswith("a07.txt"):
                assert [x["rule"] for x in got["findings"]] == ["IN005"]
                assert "was not checked: the worker process checking it stopped" in got["findings"][0]["message"]
            else:
                assert got == want


@pytest.mark.skipif(sys.platform != "linux", reason="the patch reaches the workers where they are forked")
def test_audit_report_lists_the_file_that_killed_its_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_files(tmp_path / "gen", n=6)
    _die_in_workers_on(monkeypatch, ("a04.txt",))
    out = tmp_path / "report"
    r = CliRunner().invoke(cli, ["report", str(tmp_path / "gen"), "-o", str(out), "--jobs", "2", "--no-cache"],
                           catch_exceptions=False)
    assert r.exit_code == 1, r.output
    files = json.loads((out / "findings.json").read_text(encoding="utf-8"))["files"]
    lost = {f["path"].rsplit("/", 1)[-1]: [x["rule"] for x in f["findings"]] for f in files}
    assert lost.pop("a04.txt") == ["IN005"] and len(lost) == 7
    assert all("IN005" not in rules for rules in lost.values()) and any(len(rules) > 3 for rules in lost.values())
    sarif = json.loads((out / "findings.sarif").read_text(encoding="utf-8"))
    assert [res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].rsplit("/", 1)[-1]
            for res in sarif["runs"][0]["results"] if res["ruleId"] == "IN005"] == ["a04.txt"]
    assert "IN005" in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.skipif(sys.platform != "linux", reason="the patch reaches the workers where they are forked")
def test_workers_that_cannot_check_anything_end_the_run_with_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_files(tmp_path / "gen", n=6)
    _die_in_workers_on(monkeypatch, ("*",))
    r = CliRunner().invoke(cli, ["check", "-f", "json", "--jobs", "2", "--no-cache", str(tmp_path / "gen")])
    # (`audit`'s entry point reports it as an internal error, exit code 2.)
    assert isinstance(r.exception, parallel.WorkersLost)
    assert str(r.exception).startswith(f"worker processes stopped on {parallel.LOST_IN_A_ROW} files in a row")
    assert "BrokenProcessPool" in str(r.exception)


class _LosingExecutor:
    """Checks in this process, but a batch holding one of ``deadly`` loses its 'worker'."""

    workers = 2

    class Lost(Exception):
        pass

    class Other(Exception):
        pass

    def __init__(self, deadly: set[str], error: type[Exception] = Lost) -> None:
        self.deadly, self.error = deadly, error
        self.submitted: list[list[str]] = []

    def submit(self, batch: list[Input]) -> Any:
        names = [i.display for i in batch]
        self.submitted.append(names)
        outer = self

        class Fut:
            def result(self) -> list[FileResult]:
                if outer.deadly & set(names):
                    raise outer.error("worker lost")
                return [FileResult(path=n, format="markdown", sha256="x") for n in names]

        return Fut()

    def lost(self, exc: BaseException) -> bool:
        return isinstance(exc, self.Lost)

    def close(self) -> None:
        pass


def test_after_a_lost_worker_each_file_of_the_batch_is_checked_alone() -> None:
    inputs = [Input(display=f"f{i}.md", path=None, relpath=f"f{i}.md", format="markdown", data=b"x") for i in range(200)]
    ex = _LosingExecutor({"f37.md", "f150.md"})
    results = list(parallel.run(inputs, from_dict({}), executor=ex))
    assert [r.path for r in results] == [i.display for i in inputs]
    lost = [r.path for r in results if r.findings]
    assert lost == ["f37.md", "f150.md"]
    assert all(r.findings[0].rule == "IN005" and r.findings[0].severity == "error" for r in results if r.findings)
    # Only the batches with a deadly file were split, one file per submission.
    singles = [names for names in ex.submitted if len(names) == 1]
    batches = [names for names in ex.submitted if len(names) > 1]
    assert {n for names in batches if {"f37.md", "f150.md"} & set(names) for n in names} == {n for (n,) in singles}


def test_other_errors_of_a_batch_are_not_taken_for_a_lost_worker() -> None:
    inputs = [Input(display=f"f{i}.md", path=None, relpath=f"f{i}.md", format="markdown", data=b"x") for i in range(20)]
    ex = _LosingExecutor({"f3.md"}, error=_LosingExecutor.Other)
    with pytest.raises(_LosingExecutor.Other):
        list(parallel.run(inputs, from_dict({}), executor=ex))


def test_files_in_a_row_that_lose_their_workers_alone_end_the_run() -> None:
    inputs = [Input(display=f"f{i}.md", path=None, relpath=f"f{i}.md", format="markdown", data=b"x") for i in range(40)]
    deadly = {f"f{i}.md" for i in range(parallel.LOST_IN_A_ROW)}
    with pytest.raises(parallel.WorkersLost):
        list(parallel.run(inputs, from_dict({}), executor=_LosingExecutor(deadly)))
    # One fewer in a row is reported file by file.
    deadly = {f"f{i}.md" for i in range(parallel.LOST_IN_A_ROW - 1)}
    results = list(parallel.run(inputs, from_dict({}), executor=_LosingExecutor(deadly)))
    assert [r.path for r in results if r.findings] == sorted(deadly)


@pytest.mark.parametrize("error", [OSError(38, "Function not implemented"), NotImplementedError("no sem_open"),
                                   OSError(11, "Resource temporarily unavailable")], ids=["no-shm", "no-sem-open", "fork-refused"])
def test_without_worker_processes_the_run_checks_in_this_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   error: Exception) -> None:
    import concurrent.futures

    make_files(tmp_path / "gen", n=20)
    expected = CliRunner().invoke(cli, ["check", "-f", "json", "--fail-on", "never", "--no-cache", "--jobs", "1",
                                        str(tmp_path / "gen")])
    real = concurrent.futures.ProcessPoolExecutor

    class Refused(real):  # type: ignore[misc, valid-type]
        """A pool whose construction (no semaphores) or first fork (a process limit) fails."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            if isinstance(error, NotImplementedError) or error.errno == 38:
                raise error
            super().__init__(*args, **kwargs)

        def submit(self, *args: Any, **kwargs: Any) -> Any:
            raise error

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Refused)
    r = CliRunner().invoke(cli, ["check", "-f", "json", "--fail-on", "never", "--no-cache", "--jobs", "2",
                                 str(tmp_path / "gen")])
    assert r.exit_code == 0
    assert r.stdout == expected.stdout
    note = "audit: note: worker processes cannot be started here"
    assert r.stderr.count(note) == 1 and type(error).__name__ in r.stderr
