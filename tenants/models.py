"""Schools (tenants), their domains, clusters and the yearly cluster memberships.

All of this lives in the public schema: it is the hub's own map of who is who.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_tenants.models import DomainMixin, TenantMixin


class SchoolQuerySet(models.QuerySet["School"]):
    def schools(self) -> SchoolQuerySet:
        """Real schools, without the public tenant and the template schools are cloned from."""
        return self.exclude(
            schema_name__in=[settings.PUBLIC_SCHEMA_NAME, settings.TENANT_BASE_SCHEMA]
        )


class School(TenantMixin):
    """A provincial political school. Its schema name is its slug (`quangninh`)."""

    name_vi = models.CharField(max_length=255)
    short_name = models.CharField(max_length=120)
    province = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A deactivated school keeps its schema, history and host (read-only for its
    # users); it is left out of new years' clusters.
    is_active = models.BooleanField(default=True)

    auto_create_schema = True
    auto_drop_schema = False
    # The template holds no school data, so only its structure is copied.
    clone_mode = "NODATA"

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["schema_name"]

    def __str__(self) -> str:
        return self.name_vi

    @property
    def slug(self) -> str:
        return self.schema_name

    @property
    def is_public(self) -> bool:
        return self.schema_name == settings.PUBLIC_SCHEMA_NAME


class Domain(DomainMixin):
    pass


class Cluster(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name_vi = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255)
    region = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name_vi


class ClusterRole(models.TextChoices):
    LEAD = "lead", "Cụm trưởng"
    STANDING_DEPUTY = "standing_deputy", "Cụm phó thường trực"
    DEPUTY = "deputy", "Cụm phó"
    MEMBER = "member", "Thành viên"


REVIEWER_ROLES = (ClusterRole.LEAD, ClusterRole.STANDING_DEPUTY, ClusterRole.DEPUTY)


class ClusterMembership(models.Model):
    """A school's place in a cluster for one calendar year.

    Membership is per year so that a school moving cluster, or a lead role rotating,
    never rewrites the history of earlier years.
    """

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="memberships")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="memberships")
    year = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=20, choices=ClusterRole.choices, default=ClusterRole.MEMBER)

    class Meta:
        ordering = ["year", "cluster__slug", "school__schema_name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="one_cluster_per_school_year"),
            models.UniqueConstraint(
                fields=["cluster", "year"],
                condition=Q(role="lead"),
                name="one_lead_per_cluster_year",
            ),
            models.UniqueConstraint(
                fields=["cluster", "year"],
                condition=Q(role="standing_deputy"),
                name="one_standing_deputy_per_cluster_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} in {self.cluster_id} ({self.year}, {self.role})"


class SchoolRole(models.TextChoices):
    EDITOR = "editor", "Cán bộ nhập liệu"
    APPROVER = "approver", "Lãnh đạo phê duyệt"


class SchoolMembership(models.Model):
    """Ties a (global) user to a school with a role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="school_memberships"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(max_length=20, choices=SchoolRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "school"], name="one_role_per_user_school"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} at {self.school_id}"


class DepartmentMembership(models.Model):
    """Staff of the Academy's department (Vụ Các trường chính trị): read every school.

    `can_manage_scoring` lets them edit scoring schemes.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="department_membership"
    )
    can_manage_scoring = models.BooleanField(default=False)
    # The department's administrators set up each year: clusters, schools, people, roles,
    # periods and mergers (administration app, the Django admin).
    is_admin = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"department: {self.user_id}"


class SchoolLineage(models.Model):
    """`predecessor` became (part of) `successor` from `effective` on.

    In 2025 the provinces, and with them their political schools, were merged
    (63 → 34): the successor's trends and rankings show its predecessors' history,
    labelled as theirs.
    """

    predecessor = models.ForeignKey(School, on_delete=models.PROTECT, related_name="successions")
    successor = models.ForeignKey(School, on_delete=models.PROTECT, related_name="predecessions")
    # From this day on the predecessor's figures are the successor's to report; the
    # label is how the department said it ("2025-H2": from the second half of 2025).
    effective_from = models.DateField()
    effective_label = models.CharField(max_length=20)
    note = models.CharField(max_length=255, blank=True)
    # An example merger (the demo's): pages that show it say it is illustrative.
    illustrative = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.CharField(max_length=150)

    class Meta:
        # Created by administration (0001_year_setup); the table keeps its name.
        db_table = "administration_schoollineage"
        constraints = [
            models.UniqueConstraint(fields=["predecessor"], name="one_successor_per_school"),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")),
                name="lineage_not_to_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id} from {self.effective_label}"
