"""Gating: which findings count (suppressions, baselines, waivers, changed lines)."""
