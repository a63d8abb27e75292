"""The CLI works with no network, no HOME and an empty NLTK data folder, and never downloads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

SITECUSTOMIZE = textwrap.dedent(
    """
    import socket

    def _blocked(*args, **kwargs):
        raise OSError("network access attempted during an offline run")

    class _NoSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            _blocked()

    socket.socket = _NoSocket
    socket.create_connection = _blocked
    socket.getaddrinfo = _blocked

    import nltk
    import nltk.downloader

    def _no_download(*args, **kwargs):
        raise RuntimeError("nltk.download was called")

    nltk.download = _no_download
    nltk.downloader.download = _no_download
    nltk.downloader.Downloader.download = _no_download
    """
)

ARTICLE = textwrap.dedent(
    """\
    # Restless legs syndrome

    Restless legs syndrome (RLS) causes an urge to move the legs. It is often worse at night, and it can
    make it hard to fall asleep. Dr. Lee, a neurologist, says iron levels matter: low iron can make RLS worse.
    Many people feel better when they walk, stretch or take a warm bath. Some people need medicine, e.g.
    ropinirole or gabapentin, but these drugs can have side effects. Talk to your doctor before you start
    or stop any medicine. Keep a sleep diary for two weeks. Write down when the symptoms start, how long
    they last and what helps. Bring the diary to your next visit so your doctor can see the pattern.
    """
)


def test_check_runs_offline_and_reports_readability(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    nltk_data = tmp_path / "nltk_data"
    nltk_data.mkdir()
    article = tmp_path / "rls.md"
    article.write_text(ARTICLE, encoding="utf-8")
    repo = Path(__file__).resolve().parents[1]
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "NLTK_DATA": str(nltk_data),
        "PYTHONPATH": os.pathsep.join([str(site), str(repo)]),
        "PYTHONNOUSERSITE": "1",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "audit", "check", str(article), "--format", "json", "--fail-on", "never"],
        check=False, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert "nltk.download was called" not in proc.stderr
    assert "network access attempted" not in proc.stderr
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    r = report["files"][0]["readability"]
    assert r["scored"] is True
    assert r["words"] >= 100
    assert 4 < r["smog_index"] < 16
    assert 0 < r["flesch_reading_ease"] < 100
    assert r["sections"][0]["heading"] == "Restless legs syndrome"
    # Nothing was fetched into the NLTK data folder or the home folder (a results cache may exist there).
    assert not list(nltk_data.iterdir())
    assert not list(home.rglob("nltk_data")) and not list(home.rglob("cmudict*"))


def test_the_guard_itself_catches_downloads(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "PYTHONPATH": str(site)}
    proc = subprocess.run(
        [sys.executable, "-c", "import nltk; nltk.download('cmudict')"],
        check=False, env=env, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode != 0 and "nltk.download was called" in proc.stderr
