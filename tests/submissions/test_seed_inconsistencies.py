"""The real figures of seeds 000, 001 and 003, entered through the services: the hub
flags each inconsistency domain.md lists (and nothing on figures that add up)."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.conf import settings

from catalogue.models import Period
from submissions.services import Actor, Changes, submission_findings, submission_update

FIGURES = Path(settings.BASE_DIR) / "demo" / "figures"
ACTOR = Actor(user_id=None, username="seed-loader", channel="system")


def load(world, filename: str, school: str, period: str):
    data = yaml.safe_load((FIGURES / filename).read_text(encoding="utf-8"))
    entry = next(item for item in data["submissions"] if item["period"] == period)
    target = Period.objects.get(code=period)
    submission_update(
        school=world.schools[school],
        period=target,
        expected_version=0,
        changes=Changes(values=entry["values"]),
        actor=ACTOR,
    )
    return entry["values"], submission_findings(school=world.schools[school], period=target)


def consistency(findings):
    return {(f.code, f.kind) for f in findings if f.kind == "consistency"}


def test_seed_001_carried_over_plus_new_classes_do_not_make_the_declared_classes(world):
    values, findings = load(world, "001-thanhhoa-2022.yaml", "thanhhoa", "2022-Y")
    parts = (
        values["training.intermediate.classes.carried_over"]
        + values["training.intermediate.classes.new"]
    )
    assert parts != values["training.intermediate.classes"]
    flagged = [
        f for f in findings if f.code == "training.intermediate.classes" and f.kind == "consistency"
    ]
    assert flagged and str(parts) in flagged[0].message_vi
    # The learners of the same split add up: no finding on them.
    assert not [
        f
        for f in findings
        if f.code == "training.intermediate.learners" and f.kind == "consistency"
    ]


def test_seed_003_programme_learners_do_not_add_up_while_the_plan_split_does(world):
    values, findings = load(world, "003-vinhphuc-2020.yaml", "vinhphuc", "2020-Y")
    learners = [f for f in findings if f.code == "training.learners" and f.kind == "consistency"]
    assert learners, findings
    assert all("kế hoạch" not in f.message_vi for f in learners)
    assert (
        values["training.learners.in_plan"] + values["training.learners.outside_plan"]
        == values["training.learners"]
    )


def test_seed_000_figures_add_up_and_raise_no_consistency_finding(world):
    # 2022-H1 is closed in the test world; the figures, not the period, are under test.
    period = Period.objects.get(code="2023-H1")
    data = yaml.safe_load((FIGURES / "000-thainguyen-2022.yaml").read_text(encoding="utf-8"))
    h1 = next(item for item in data["submissions"] if item["period"] == "2022-H1")
    submission_update(
        school=world.schools["thainguyen"],
        period=period,
        expected_version=0,
        changes=Changes(values=h1["values"]),
        actor=ACTOR,
    )
    findings = submission_findings(school=world.schools["thainguyen"], period=period)
    assert consistency([f for f in findings if f.blocking]) == set()
    # Only "carried over" is given of the carried-over/new split: the blank "new" parts
    # must hold the rest, said without blocking (issue 11 point 5).
    remainders = {
        f.code: f.numbers["remainder"]
        for f in findings
        if not f.blocking and f.rule == "blank_parts_remainder"
    }
    assert remainders == {"training.classes": 41 - 22, "training.learners": 2658 - 1618}
