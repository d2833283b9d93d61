"""The demo's merger: declared in demo/schools.yaml, recorded through the department's
service, marked illustrative, and loaded twice without change."""

from __future__ import annotations

from hub.demo import load_mergers, read_demo_file
from tenants.models import School, SchoolLineage


def test_the_demo_declares_one_illustrative_merger_of_2025():
    data = read_demo_file("schools.yaml")
    slugs = {school["slug"] for school in data["schools"]}
    (merger,) = data["mergers"]
    assert merger["into"] in slugs and set(merger["from"]) <= slugs
    assert str(merger["effective"]).startswith("2025-")
    assert "illustrative" in merger["note"]


def test_load_mergers_records_the_merger_once(world):
    items = [{"into": "laocai", "from": ["sonla"], "effective": "2025-H2", "note": "example"}]
    assert load_mergers(items, schools=world.schools) == 1
    assert load_mergers(items, schools=world.schools) == 1
    lineage = SchoolLineage.objects.get(predecessor__schema_name="sonla")
    assert lineage.successor.schema_name == "laocai"
    assert lineage.illustrative is True
    assert lineage.effective_label == "2025-H2"
    assert SchoolLineage.objects.count() == 1
    assert School.objects.get(schema_name="sonla").is_active is False
