"""The department's writes to the map of the year: clusters and their members with
roles, schools, people and their roles, periods and deadline extensions, mergers.

Every change goes through here, is validated as a whole (all-or-nothing) and leaves an
`AdminChange` with its before and after. The pages, the API, the management commands
and the Django admin's actions call these functions.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from administration.models import (
    AdminChange,
    DeadlineExtension,
    ProvisioningJob,
    ProvisioningStatus,
)
from administration.selectors import school_staff
from catalogue.models import Period
from core.errors import ConflictError, DomainError, ForbiddenError, NotFoundError
from tenants.models import (
    Cluster,
    ClusterMembership,
    ClusterRole,
    DepartmentMembership,
    School,
    SchoolLineage,
    SchoolMembership,
    SchoolRole,
)
from tenants.services import RESERVED_SLUGS, SLUG_PATTERN, ProvisioningError, school_provision

logger = logging.getLogger(__name__)

CLUSTER_SLUG_MAX = 80


def change_record(
    *,
    actor: str,
    action: str,
    target_type: str,
    target: str,
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> AdminChange:
    return AdminChange.objects.create(
        actor=actor,
        action=action,
        target_type=target_type,
        target=target,
        before=before,
        after=after,
        reason=reason,
    )


# --------------------------------------------------------------------------- clusters


def cluster_create(
    *, slug: str, name_vi: str, name_en: str = "", region: str = "", actor: str
) -> Cluster:
    slug = slug.strip()
    if not slug or len(slug) > CLUSTER_SLUG_MAX or not all(c.isalnum() or c == "-" for c in slug):
        raise DomainError(
            _("Mã cụm “%(slug)s” không hợp lệ: dùng chữ thường không dấu, chữ số và dấu gạch.")
            % {"slug": slug}
        )
    if not name_vi.strip():
        raise DomainError(_("Tên cụm không được để trống."))
    if Cluster.objects.filter(slug=slug).exists():
        raise ConflictError(_("Cụm có mã “%(slug)s” đã tồn tại.") % {"slug": slug})
    cluster = Cluster.objects.create(
        slug=slug, name_vi=name_vi.strip(), name_en=name_en.strip(), region=region.strip()
    )
    change_record(
        actor=actor,
        action="cluster_create",
        target_type="cluster",
        target=slug,
        after={"name_vi": cluster.name_vi, "name_en": cluster.name_en, "region": cluster.region},
    )
    return cluster


@dataclass(frozen=True)
class MemberLine:
    """One school's place in a cluster for a year, as the department states it."""

    school: str
    role: str = ClusterRole.MEMBER


def _members_snapshot(cluster: Cluster, year: int) -> list[dict[str, str]]:
    return [
        {"school": school, "role": role}
        for school, role in ClusterMembership.objects.filter(cluster=cluster, year=year)
        .order_by("school__schema_name")
        .values_list("school__schema_name", "role")
    ]


def members_check(
    *,
    cluster: Cluster,
    year: int,
    members: Sequence[MemberLine],
    replacing: Iterable[str] = (),
) -> tuple[list[str], dict[str, School]]:
    """Every reason the member list cannot stand as a whole (empty when it can), and the
    schools it names. Rules: known, active schools; each school once; a known role; at
    most one lead and one standing deputy; a school is in one cluster per year (a place
    in one of the clusters `replacing` in the same change does not count)."""
    problems: list[str] = []
    slugs = [line.school for line in members]
    schools = {
        school.schema_name: school for school in School.objects.filter(schema_name__in=slugs)
    }
    for slug, count in Counter(slugs).items():
        if count > 1:
            problems.append(
                _("Trường %(school)s được ghi %(count)s lần.") % {"school": slug, "count": count}
            )
    for line in members:
        school = schools.get(line.school)
        if school is None:
            problems.append(_("Không có trường mã “%(school)s”.") % {"school": line.school})
        elif not school.is_active:
            problems.append(
                _("Trường %(school)s đã ngừng hoạt động, không xếp vào cụm được.")
                % {"school": school.name_vi}
            )
        if line.role not in ClusterRole.values:
            problems.append(
                _(
                    "Vai trò “%(role)s” của %(school)s không hợp lệ "
                    "(lead, standing_deputy, deputy, member)."
                )
                % {"role": line.role, "school": line.school}
            )
    roles = Counter(line.role for line in members)
    if roles[ClusterRole.LEAD] > 1:
        problems.append(_("Một cụm chỉ có một cụm trưởng trong một năm."))
    if roles[ClusterRole.STANDING_DEPUTY] > 1:
        problems.append(_("Một cụm chỉ có một cụm phó thường trực trong một năm."))
    elsewhere = (
        ClusterMembership.objects.filter(year=year, school__schema_name__in=slugs)
        .exclude(cluster=cluster)
        .exclude(cluster__slug__in=list(replacing))
        .select_related("cluster", "school")
    )
    for membership in elsewhere:
        problems.append(
            _(
                "Năm %(year)s, %(school)s đã thuộc %(cluster)s: "
                "mỗi trường chỉ thuộc một cụm mỗi năm."
            )
            % {
                "year": year,
                "school": membership.school.name_vi,
                "cluster": membership.cluster.name_vi,
            }
        )
    return problems, schools


@transaction.atomic
def cluster_members_replace(
    *, cluster: Cluster, year: int, members: Sequence[MemberLine], actor: str, reason: str = ""
) -> list[ClusterMembership]:
    """The cluster's schools and roles for `year` become exactly `members`, or nothing
    changes. Other years are never touched."""
    problems, schools = members_check(cluster=cluster, year=year, members=members)
    if problems:
        raise DomainError(" ".join(problems), problems=problems)
    before = _members_snapshot(cluster, year)
    ClusterMembership.objects.select_for_update().filter(cluster=cluster, year=year).delete()
    created = ClusterMembership.objects.bulk_create(
        ClusterMembership(cluster=cluster, school=schools[line.school], year=year, role=line.role)
        for line in members
    )
    change_record(
        actor=actor,
        action="cluster_members_replace",
        target_type="membership",
        target=f"{cluster.slug}/{year}",
        before=before,
        after=_members_snapshot(cluster, year),
        reason=reason,
    )
    return created


@transaction.atomic
def clusters_copy_year(*, from_year: int, to_year: int, actor: str) -> list[str]:
    """Start `to_year` from `from_year`'s clusters: members and roles copied for every
    cluster that has none yet in `to_year` (deactivated schools left out). Returns the
    slugs of the clusters copied."""
    if to_year == from_year:
        raise DomainError(_("Năm nguồn và năm đích phải khác nhau."))
    already = set(
        ClusterMembership.objects.filter(year=to_year).values_list("cluster__slug", flat=True)
    )
    placed = set(ClusterMembership.objects.filter(year=to_year).values_list("school_id", flat=True))
    source = (
        ClusterMembership.objects.filter(year=from_year, school__is_active=True)
        .exclude(cluster__slug__in=already)
        .exclude(school_id__in=placed)
        .select_related("cluster")
    )
    copied: dict[str, list[dict[str, str]]] = {}
    rows = []
    for membership in source:
        rows.append(
            ClusterMembership(
                cluster=membership.cluster,
                school_id=membership.school_id,
                year=to_year,
                role=membership.role,
            )
        )
        copied.setdefault(membership.cluster.slug, []).append(
            {"school_id": str(membership.school_id), "role": membership.role}
        )
    ClusterMembership.objects.bulk_create(rows)
    for slug, members in copied.items():
        change_record(
            actor=actor,
            action="clusters_copy_year",
            target_type="membership",
            target=f"{slug}/{to_year}",
            after=members,
            reason=f"copied from {from_year}",
        )
    return sorted(copied)


@dataclass
class ImportPlan:
    """What an import of the Academy's decision would do, cluster by cluster."""

    year: int
    clusters: dict[str, list[MemberLine]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def clusters_import(
    *, rows: Iterable[Mapping[str, str]], year: int, actor: str, dry_run: bool
) -> ImportPlan:
    """Apply the Academy's decision for a year, given as rows (cluster, school, role):
    every named cluster's members and roles become the listed ones. The whole file is
    checked first; with any problem, or in a dry run, nothing changes."""
    plan = ImportPlan(year=year)
    for number, row in enumerate(rows, start=2):
        cluster = (row.get("cluster") or "").strip()
        school = (row.get("school") or "").strip()
        role = (row.get("role") or ClusterRole.MEMBER).strip() or ClusterRole.MEMBER
        if not cluster or not school:
            plan.problems.append(_("Dòng %(row)s: cần cả mã cụm và mã trường.") % {"row": number})
            continue
        plan.clusters.setdefault(cluster, []).append(MemberLine(school=school, role=role))
    known = {c.slug: c for c in Cluster.objects.filter(slug__in=list(plan.clusters))}
    for slug in plan.clusters:
        if slug not in known:
            plan.problems.append(_("Không có cụm mã “%(cluster)s”.") % {"cluster": slug})
    every_school = [line.school for lines in plan.clusters.values() for line in lines]
    for slug, count in Counter(every_school).items():
        if count > 1:
            plan.problems.append(
                _("Trường %(school)s được xếp vào nhiều cụm trong cùng năm.") % {"school": slug}
            )
    for slug, lines in plan.clusters.items():
        if slug in known:
            problems, _schools = members_check(
                cluster=known[slug], year=year, members=lines, replacing=plan.clusters
            )
            plan.problems.extend(f"{slug}: {problem}" for problem in problems)
    if dry_run or plan.problems:
        return plan
    with transaction.atomic():
        before = {slug: _members_snapshot(known[slug], year) for slug in plan.clusters}
        # Cleared first, so that a school may move between two clusters of the file.
        ClusterMembership.objects.filter(year=year, cluster__slug__in=list(plan.clusters)).delete()
        schools = {
            school.schema_name: school
            for school in School.objects.filter(
                schema_name__in=[line.school for lines in plan.clusters.values() for line in lines]
            )
        }
        for slug, lines in plan.clusters.items():
            ClusterMembership.objects.bulk_create(
                ClusterMembership(
                    cluster=known[slug], school=schools[line.school], year=year, role=line.role
                )
                for line in lines
            )
            change_record(
                actor=actor,
                action="clusters_import",
                target_type="membership",
                target=f"{slug}/{year}",
                before=before[slug],
                after=_members_snapshot(known[slug], year),
            )
    plan.applied = True
    return plan


# --------------------------------------------------------------------------- schools


def school_create(
    *, slug: str, name_vi: str, short_name: str = "", province: str = "", actor: str
) -> School:
    try:
        school = school_provision(
            slug=slug.strip(),
            name_vi=name_vi,
            short_name=short_name or name_vi,
            province=province,
        )
    except ProvisioningError as error:
        raise DomainError(str(error)) from None
    change_record(
        actor=actor,
        action="school_create",
        target_type="school",
        target=school.schema_name,
        after={"name_vi": school.name_vi, "short_name": school.short_name, "province": province},
    )
    return school


def school_provisioning_request(
    *, slug: str, name_vi: str, short_name: str = "", province: str = "", actor: str
) -> ProvisioningJob:
    """Queue the creation of a school for the worker (a new schema is migrated, which
    takes a while). What can be refused at once is refused here: a malformed code, an
    empty name, a code already taken or already being provisioned."""
    slug = slug.strip()
    if not SLUG_PATTERN.match(slug) or slug in RESERVED_SLUGS or slug.startswith("pg_"):
        raise DomainError(
            _(
                "Mã trường “%(slug)s” không hợp lệ: chỉ dùng chữ thường không dấu và chữ số, "
                "bắt đầu bằng chữ cái (ví dụ: quangninh)."
            )
            % {"slug": slug}
        )
    if not name_vi.strip():
        raise DomainError(_("Tên trường không được để trống."))
    if School.objects.filter(schema_name=slug).exists():
        raise ConflictError(_("Trường có mã “%(slug)s” đã tồn tại.") % {"slug": slug})
    with transaction.atomic():
        pending = ProvisioningJob.objects.select_for_update().filter(
            slug=slug, status__in=(ProvisioningStatus.QUEUED, ProvisioningStatus.RUNNING)
        )
        if pending.exists():
            raise ConflictError(_("Trường mã “%(slug)s” đang được khởi tạo.") % {"slug": slug})
        job = ProvisioningJob.objects.create(
            slug=slug,
            name_vi=name_vi.strip(),
            short_name=short_name.strip(),
            province=province.strip(),
            created_by=actor,
        )
        job_id = job.pk

        def send() -> None:
            from administration.tasks import provision_school

            try:
                provision_school.delay(job_id=job_id)
            except Exception as error:  # the broker is down: the job stays queued
                logger.warning("Provisioning job %s not queued yet: %s", job_id, error)

        transaction.on_commit(send)
    return job


def school_provisioning_run(*, job_id: int) -> bool:
    """Run a queued provisioning job (the worker's side). The job is claimed by a
    conditional update, so a redelivered message never provisions twice; a refusal
    marks the job failed with its reason."""
    taken = ProvisioningJob.objects.filter(pk=job_id, status=ProvisioningStatus.QUEUED).update(
        status=ProvisioningStatus.RUNNING, started_at=timezone.now()
    )
    if taken != 1:
        return False
    job = ProvisioningJob.objects.get(pk=job_id)
    try:
        school_create(
            slug=job.slug,
            name_vi=job.name_vi,
            short_name=job.short_name,
            province=job.province,
            actor=job.created_by,
        )
    except DomainError as error:
        ProvisioningJob.objects.filter(pk=job_id).update(
            status=ProvisioningStatus.FAILED, message=str(error), finished_at=timezone.now()
        )
        return False
    except DatabaseError:
        # Transient: release the claim so that a retry can take the job again.
        ProvisioningJob.objects.filter(pk=job_id, status=ProvisioningStatus.RUNNING).update(
            status=ProvisioningStatus.QUEUED
        )
        raise
    ProvisioningJob.objects.filter(pk=job_id).update(
        status=ProvisioningStatus.DONE, finished_at=timezone.now()
    )
    return True


def school_provisioning_fail(*, job_id: int, message: str) -> None:
    ProvisioningJob.objects.filter(pk=job_id).exclude(status=ProvisioningStatus.DONE).update(
        status=ProvisioningStatus.FAILED, message=message, finished_at=timezone.now()
    )


SCHOOL_EDITABLE = ("name_vi", "short_name", "province", "is_active")


@transaction.atomic
def school_update(*, school: School, changes: Mapping[str, Any], actor: str) -> School:
    unknown = set(changes) - set(SCHOOL_EDITABLE)
    if unknown:
        raise DomainError(_("Không sửa được: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if "name_vi" in changes and not str(changes["name_vi"]).strip():
        raise DomainError(_("Tên trường không được để trống."))
    before = {name: getattr(school, name) for name in changes}
    for name, value in changes.items():
        setattr(school, name, value.strip() if isinstance(value, str) else bool(value))
    school.save(update_fields=list(changes))
    change_record(
        actor=actor,
        action="school_update",
        target_type="school",
        target=school.schema_name,
        before=before,
        after={name: getattr(school, name) for name in changes},
    )
    return school


# --------------------------------------------------------------------------- people


def password_set_path(user: User) -> str:
    """The path of a one-time link with which the user sets their own password (Django's
    password-reset confirmation): no shared or mailed password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/accounts/reset/{uid}/{default_token_generator.make_token(user)}/"


def user_create(*, username: str, full_name: str = "", email: str = "", actor: str) -> User:
    username = username.strip()
    user_model = get_user_model()
    if not username or len(username) > 150:
        raise DomainError(_("Tên đăng nhập không hợp lệ."))
    if user_model.objects.filter(username=username).exists():
        raise ConflictError(_("Tên đăng nhập “%(username)s” đã có.") % {"username": username})
    user = user_model(username=username, first_name=full_name.strip()[:150], email=email.strip())
    user.set_unusable_password()
    user.save()
    change_record(
        actor=actor,
        action="user_create",
        target_type="user",
        target=username,
        after={"full_name": user.first_name, "email": user.email},
    )
    return user


@dataclass(frozen=True)
class DepartmentRole:
    admin: bool = False
    scoring: bool = False


def roles_of(user: User) -> dict[str, Any]:
    department = DepartmentMembership.objects.filter(user=user).first()
    return {
        "schools": [
            {"school": school, "role": role}
            for school, role in SchoolMembership.objects.filter(user=user)
            .order_by("school__schema_name")
            .values_list("school__schema_name", "role")
        ],
        "department": None
        if department is None
        else {"admin": department.is_admin, "scoring": department.can_manage_scoring},
        "is_active": user.is_active,
    }


@transaction.atomic
def user_roles_replace(
    *,
    user: User,
    school_roles: Sequence[tuple[str, str]],
    department: DepartmentRole | None,
    actor: str,
    is_active: bool | None = None,
) -> dict[str, Any]:
    """The user's roles become exactly these: (school, editor|approver) pairs and the
    department role (None: not department staff). Withdrawn roles are deleted."""
    problems: list[str] = []
    slugs = [school for school, _role in school_roles]
    schools = {s.schema_name: s for s in School.objects.filter(schema_name__in=slugs)}
    for slug, count in Counter(slugs).items():
        if count > 1:
            problems.append(
                _("Mỗi người chỉ có một vai trò ở một trường (%(school)s).") % {"school": slug}
            )
    for slug, role in school_roles:
        if slug not in schools:
            problems.append(_("Không có trường mã “%(school)s”.") % {"school": slug})
        if role not in SchoolRole.values:
            problems.append(
                _("Vai trò “%(role)s” không hợp lệ (editor, approver).") % {"role": role}
            )
    if problems:
        raise DomainError(" ".join(problems), problems=problems)
    before = roles_of(user)
    SchoolMembership.objects.filter(user=user).exclude(school__schema_name__in=slugs).delete()
    for slug, role in school_roles:
        SchoolMembership.objects.update_or_create(
            user=user, school=schools[slug], defaults={"role": role}
        )
    if department is None:
        DepartmentMembership.objects.filter(user=user).delete()
    else:
        DepartmentMembership.objects.update_or_create(
            user=user,
            defaults={"is_admin": department.admin, "can_manage_scoring": department.scoring},
        )
    if is_active is not None and user.is_active != is_active:
        user.is_active = is_active
        user.save(update_fields=["is_active"])
    after = roles_of(user)
    change_record(
        actor=actor,
        action="user_roles_replace",
        target_type="roles",
        target=user.username,
        before=before,
        after=after,
    )
    return after


def school_editor_manage(
    *, approver: User, school: School, user: User, grant: bool, actor: str
) -> None:
    """A school's approver gives or withdraws the editor role of their own school."""
    if not SchoolMembership.objects.filter(
        user=approver, school=school, role=SchoolRole.APPROVER
    ).exists():
        raise DomainError(_("Chỉ lãnh đạo phê duyệt của trường mới quản lý cán bộ nhập liệu."))
    existing = SchoolMembership.objects.filter(user=user, school=school).first()
    if existing is not None and existing.role == SchoolRole.APPROVER:
        raise DomainError(_("Không đổi được vai trò của lãnh đạo phê duyệt."))
    before = existing.role if existing else None
    if grant:
        SchoolMembership.objects.update_or_create(
            user=user, school=school, defaults={"role": SchoolRole.EDITOR}
        )
    elif existing is not None:
        existing.delete()
    change_record(
        actor=actor,
        action="school_editor_grant" if grant else "school_editor_withdraw",
        target_type="roles",
        target=user.username,
        before={"school": school.schema_name, "role": before},
        after={"school": school.schema_name, "role": SchoolRole.EDITOR if grant else None},
    )


# --------------------------------------------------------------------------- periods


@transaction.atomic
def period_update(
    *,
    period: Period,
    opens_on: date | None,
    deadline: date | None,
    closes_on: date | None,
    actor: str,
) -> Period:
    before = {
        "opens_on": period.opens_on.isoformat(),
        "deadline": period.deadline.isoformat(),
        "closes_on": period.closes_on.isoformat(),
    }
    opens_on = opens_on or period.opens_on
    deadline = deadline or period.deadline
    closes_on = closes_on or period.closes_on
    if not opens_on <= deadline <= closes_on:
        raise DomainError(_("Ngày mở, hạn nộp và ngày khóa phải theo thứ tự: mở ≤ hạn nộp ≤ khóa."))
    Period.objects.filter(pk=period.pk).update(
        opens_on=opens_on, deadline=deadline, closes_on=closes_on
    )
    period.refresh_from_db()
    change_record(
        actor=actor,
        action="period_update",
        target_type="period",
        target=period.code,
        before=before,
        after={
            "opens_on": opens_on.isoformat(),
            "deadline": deadline.isoformat(),
            "closes_on": closes_on.isoformat(),
        },
    )
    return period


def deadline_extend(
    *, period: Period, school: School, deadline: date, reason: str, actor: str
) -> DeadlineExtension:
    if not reason.strip():
        raise DomainError(_("Gia hạn cần ghi lý do."))
    if deadline <= period.deadline:
        raise DomainError(
            _("Hạn mới phải sau hạn chung %(deadline)s.") % {"deadline": period.deadline}
        )
    extension, _created = DeadlineExtension.objects.update_or_create(
        period=period,
        school=school,
        defaults={"deadline": deadline, "reason": reason.strip(), "granted_by": actor},
    )
    change_record(
        actor=actor,
        action="deadline_extend",
        target_type="extension",
        target=f"{period.code}/{school.schema_name}",
        after={"deadline": deadline.isoformat()},
        reason=reason.strip(),
    )
    return extension


# --------------------------------------------------------------------------- mergers


EFFECTIVE_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<part>H1|H2|Y))?$")


def effective_date(text: str) -> date:
    """When a merger takes effect, as the department says it: "2025-H2" (1 July 2025),
    "2025-H1", "2025" or "2025-Y" (1 January 2025), or an ISO date "2025-07-01"."""
    text = text.strip()
    match = EFFECTIVE_PATTERN.match(text)
    if match:
        month = 7 if match["part"] == "H2" else 1
        return date(int(match["year"]), month, 1)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(
            _("Không hiểu thời điểm “%(text)s”: viết như 2025-H2, 2025 hoặc 2025-07-01.")
            % {"text": text}
        ) from None


@transaction.atomic
def schools_merge(
    *,
    into: School,
    sources: Sequence[School],
    effective: str,
    actor: str,
    note: str = "",
    illustrative: bool = False,
) -> list[SchoolLineage]:
    """Record that `sources` became `into` from `effective` on (see `effective_date`).

    `into` keeps its host and users (it may be one of the merged schools, or a school
    provisioned for the merger); the sources' history stays where it is, readable, and
    is shown as `into`'s predecessors'. Sources not continuing (all but `into`) are
    deactivated: they take no part in later years' clusters."""
    if not sources:
        raise DomainError(_("Cần ít nhất một trường được sáp nhập."))
    effective_from = effective_date(effective)
    if any(source.pk == into.pk for source in sources):
        raise DomainError(_("Trường tiếp nhận không thể đồng thời là trường được sáp nhập."))
    already = SchoolLineage.objects.filter(predecessor__in=list(sources)).select_related(
        "predecessor", "successor"
    )
    for lineage in already:
        raise ConflictError(
            _("%(school)s đã được ghi là sáp nhập vào %(into)s.")
            % {"school": lineage.predecessor.name_vi, "into": lineage.successor.name_vi}
        )
    records = [
        SchoolLineage.objects.create(
            predecessor=source,
            successor=into,
            effective_from=effective_from,
            effective_label=effective.strip(),
            note=note,
            illustrative=illustrative,
            recorded_by=actor,
        )
        for source in sources
    ]
    School.objects.filter(pk__in=[source.pk for source in sources]).update(is_active=False)
    change_record(
        actor=actor,
        action="schools_merge",
        target_type="merger",
        target=into.schema_name,
        after={
            "into": into.schema_name,
            "from": [source.schema_name for source in sources],
            "effective": effective.strip(),
        },
        reason=note,
    )
    return records


# --------------------------------------------------------------------------- a school's editors


@transaction.atomic
def school_editor_create(
    *, approver: User, school: School, username: str, full_name: str = "", email: str = ""
) -> User:
    """A school's approver creates an editor of their own school: a new user with no
    password (they set it through `password_set_path`) and the editor role there."""
    actor = approver.get_username()
    if not SchoolMembership.objects.filter(
        user=approver, school=school, role=SchoolRole.APPROVER
    ).exists():
        raise ForbiddenError(_("Chỉ lãnh đạo phê duyệt của trường mới quản lý cán bộ nhập liệu."))
    user = user_create(username=username, full_name=full_name, email=email, actor=actor)
    school_editor_manage(approver=approver, school=school, user=user, grant=True, actor=actor)
    return user


def school_editor_set(*, approver: User, school: School, username: str, grant: bool) -> None:
    """Withdraw (grant=False) or give back (grant=True) the editor role of one of the
    school's people: someone with a role there, or an editor withdrawn from it. Anyone
    else is not the approver's to manage (NotFoundError)."""
    if not SchoolMembership.objects.filter(
        user=approver, school=school, role=SchoolRole.APPROVER
    ).exists():
        raise ForbiddenError(_("Chỉ lãnh đạo phê duyệt của trường mới quản lý cán bộ nhập liệu."))
    person = next((p for p in school_staff(school) if p["username"] == username), None)
    if person is None:
        raise NotFoundError(
            _("“%(username)s” không phải cán bộ của trường.") % {"username": username}
        )
    user = get_user_model().objects.get(username=username)
    school_editor_manage(
        approver=approver, school=school, user=user, grant=grant, actor=approver.get_username()
    )
