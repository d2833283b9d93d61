"""Seed 002 — the first half of 2024 of the northern mountain & border cluster
(demo/figures/002-cluster-2024-h1.yaml) — read in one place for every test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

SEED_002 = Path(__file__).resolve().parents[1] / "demo" / "figures" / "002-cluster-2024-h1.yaml"
# Totals the catalogue requires, which seed 002 gives only as their levels.
REQUIRED_TOTALS = ("research.projects", "research.conferences")


def seed_002() -> dict[str, Any]:
    """The seed document as written: submissions (values, narratives), declared totals."""
    return yaml.safe_load(SEED_002.read_text(encoding="utf-8"))


def seed_002_values() -> dict[str, dict[str, int]]:
    """Each school's figures as the seed lists them, by school slug."""
    return {item["school"]: dict(item["values"]) for item in seed_002()["submissions"]}


def required_totals(values: dict[str, int]) -> dict[str, int]:
    """`values` with the totals the catalogue requires filled in as the sum of their levels."""
    filled = dict(values)
    for total in REQUIRED_TOTALS:
        filled[total] = sum(v for code, v in values.items() if code.startswith(total + "."))
    return filled


def seed_002_figures() -> dict[str, dict[str, int]]:
    """Each school's figures ready to submit (required totals filled in)."""
    return {school: required_totals(values) for school, values in seed_002_values().items()}


def seed_002_declared() -> dict[str, int]:
    """The cluster totals the seed's report declares."""
    return dict(seed_002()["cluster_declared"][0]["values"])
