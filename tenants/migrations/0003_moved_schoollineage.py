import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """School lineage moved from administration to tenants (rankings read it too); the
    table `administration_schoollineage` stays as it is."""

    dependencies = [
        ("tenants", "0002_year_setup"),
        ("administration", "0002_provisioning_job"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SchoolLineage",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("effective_from", models.DateField()),
                        ("effective_label", models.CharField(max_length=20)),
                        ("note", models.CharField(blank=True, max_length=255)),
                        ("recorded_at", models.DateTimeField(auto_now_add=True)),
                        ("recorded_by", models.CharField(max_length=150)),
                        ("predecessor", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="successions", to="tenants.school")),
                        ("successor", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="predecessions", to="tenants.school")),
                    ],
                    options={
                        "db_table": "administration_schoollineage",
                        "constraints": [
                            models.UniqueConstraint(fields=("predecessor",), name="one_successor_per_school"),
                            models.CheckConstraint(condition=models.Q(("predecessor", models.F("successor")), _negated=True), name="lineage_not_to_itself"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
