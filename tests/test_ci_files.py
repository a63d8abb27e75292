"""The GitHub Action and the example workflow: valid YAML, inputs as documented, cache kept."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_action_inputs_and_outputs_are_the_documented_ones() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    doc = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    listed = re.search(r"Inputs: (.*?)\. Outputs: (.*?)\.\n", doc, re.DOTALL)
    assert listed, "docs/ci.md lists the action's inputs and outputs"
    assert re.findall(r"`([a-z-]+)`", re.sub(r"\([^)]*\)", "", listed.group(1))) == list(action["inputs"])
    assert re.findall(r"`([a-z-]+)`", listed.group(2)) == list(action["outputs"])


def test_action_and_example_workflow_keep_the_cache_of_unchanged_files() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    steps = action["runs"]["steps"]
    [cache] = [s for s in steps if str(s.get("uses", "")).startswith("actions/cache@")]
    assert cache["with"]["path"] == "~/.cache/audit" and "inputs.cache" in cache["if"]
    # Restored before the tool runs.
    assert steps.index(cache) < next(i for i, s in enumerate(steps) if "audit check" in s.get("run", ""))
    workflow = yaml.safe_load((ROOT / "docs" / "examples" / "github-workflow.yml").read_text(encoding="utf-8"))
    uses = [s.get("uses", "") for s in workflow["jobs"]["audit"]["steps"]]
    assert any(u.startswith("actions/cache@") for u in uses)
