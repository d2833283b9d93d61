from django.db import migrations


class Migration(migrations.Migration):
    """School lineage moved to tenants; the table stays (tenants.models names it)."""

    dependencies = [
        ("administration", "0002_provisioning_job"),
        ("tenants", "0003_moved_schoollineage"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SchoolLineage")],
            database_operations=[],
        ),
    ]
