"""Writes to the hub's map of schools, clusters and people."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tenants.models import (
    Cluster,
    ClusterMembership,
    ClusterRole,
    DepartmentMembership,
    Domain,
    School,
    SchoolMembership,
    SchoolRole,
)

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9]{1,40}$")
# Schema names PostgreSQL or the hub itself already use.
RESERVED_SLUGS = {"public", "www", "api", "admin", "static", "media", "information_schema", "pg"}


class ProvisioningError(Exception):
    """A school could not be provisioned; the message is one sentence for the user."""


class MembershipError(Exception):
    pass


def school_host(slug: str) -> str:
    return f"{slug}.{settings.HUB_DOMAIN}"


def public_tenant_ensure() -> School:
    """The public schema's tenant row, the hub's own domain and the template schema new
    schools are cloned from; each created once."""
    public, _created = School.objects.get_or_create(
        schema_name=settings.PUBLIC_SCHEMA_NAME,
        defaults={"name_vi": "Cụm Hub", "short_name": "Cụm Hub"},
    )
    Domain.objects.get_or_create(
        domain=settings.HUB_DOMAIN, defaults={"tenant": public, "is_primary": True}
    )
    # Kept as a tenant row so that `migrate_schemas` keeps it migrated; it has no domain.
    School.objects.get_or_create(
        schema_name=settings.TENANT_BASE_SCHEMA,
        defaults={"name_vi": "(mẫu)", "short_name": "(mẫu)"},
    )
    return public


def school_provision(*, slug: str, name_vi: str, short_name: str, province: str = "") -> School:
    """Create a school: its schema (migrated) and its domain `<slug>.HUB_DOMAIN`.

    Either both exist afterwards or neither does.
    """
    if not SLUG_PATTERN.match(slug) or slug in RESERVED_SLUGS or slug.startswith("pg_"):
        raise ProvisioningError(
            _(
                "Mã trường “%(slug)s” không hợp lệ: chỉ dùng chữ thường không dấu và chữ số, "
                "bắt đầu bằng chữ cái (ví dụ: quangninh)."
            )
            % {"slug": slug}
        )
    if not name_vi.strip():
        raise ProvisioningError(_("Tên trường không được để trống."))
    if School.objects.filter(schema_name=slug).exists():
        raise ProvisioningError(_("Trường có mã “%(slug)s” đã tồn tại.") % {"slug": slug})
    host = school_host(slug)
    if Domain.objects.filter(domain=host).exists():
        raise ProvisioningError(_("Tên miền %(host)s đã được dùng.") % {"host": host})
    try:
        with transaction.atomic():
            school = School(
                schema_name=slug,
                name_vi=name_vi.strip(),
                short_name=short_name.strip(),
                province=province.strip(),
            )
            school.save()
            Domain.objects.create(domain=host, tenant=school, is_primary=True)
    except IntegrityError:
        raise ProvisioningError(_("Trường có mã “%(slug)s” đã tồn tại.") % {"slug": slug}) from None
    return school


def cluster_upsert(*, slug: str, name_vi: str, name_en: str, region: str = "") -> Cluster:
    cluster, _created = Cluster.objects.update_or_create(
        slug=slug, defaults={"name_vi": name_vi, "name_en": name_en, "region": region}
    )
    return cluster


@transaction.atomic
def cluster_membership_set(
    *, school: School, cluster: Cluster, year: int, role: str = ClusterRole.MEMBER
) -> ClusterMembership:
    """Place a school in a cluster for a year. Earlier years are never touched."""
    if role not in ClusterRole.values:
        raise MembershipError(_("Vai trò trong cụm không hợp lệ: %(role)s") % {"role": role})
    if role in (ClusterRole.LEAD, ClusterRole.STANDING_DEPUTY):
        holder = (
            ClusterMembership.objects.select_for_update()
            .filter(cluster=cluster, year=year, role=role)
            .exclude(school=school)
            .select_related("school")
            .first()
        )
        if holder is not None:
            raise MembershipError(
                _("Năm %(year)s, %(school)s đã giữ vai trò %(role)s của %(cluster)s.")
                % {
                    "year": year,
                    "school": holder.school.name_vi,
                    "role": ClusterRole(role).label,
                    "cluster": cluster.name_vi,
                }
            )
    try:
        with transaction.atomic():
            membership, _created = ClusterMembership.objects.update_or_create(
                school=school, year=year, defaults={"cluster": cluster, "role": role}
            )
    except IntegrityError:
        raise MembershipError(
            _("Mỗi cụm chỉ có một cụm trưởng và một cụm phó thường trực trong một năm.")
        ) from None
    return membership


def cluster_roles_clear(*, cluster: Cluster, year: int) -> int:
    """Make every school of a cluster-year a plain member (before roles are re-set)."""
    return ClusterMembership.objects.filter(cluster=cluster, year=year).update(
        role=ClusterRole.MEMBER
    )


def user_ensure(
    *, username: str, password: str = "", password_hash: str = "", full_name: str = ""
) -> User:
    """Create the user if missing. A given `password_hash` (made once with
    `make_password`) is set as is: hashing is deliberately slow, and loaders that
    create dozens of users with one password should pay for it once."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username, defaults={"first_name": full_name[:150]}
    )
    if password_hash:
        if user.password != password_hash:
            user.password = password_hash
            user.save(update_fields=["password"])
    elif created or not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def school_role_grant(*, user: User, school: School, role: str) -> SchoolMembership:
    if role not in SchoolRole.values:
        raise MembershipError(_("Vai trò không hợp lệ: %(role)s") % {"role": role})
    membership, _created = SchoolMembership.objects.update_or_create(
        user=user, school=school, defaults={"role": role}
    )
    return membership


def department_role_grant(
    *, user: User, can_manage_scoring: bool = False, is_admin: bool = False
) -> DepartmentMembership:
    membership, _created = DepartmentMembership.objects.update_or_create(
        user=user, defaults={"can_manage_scoring": can_manage_scoring, "is_admin": is_admin}
    )
    return membership
