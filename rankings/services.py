"""Writes for the department's rankings: scoring schemes, computed rankings, grants.

* A scheme is edited only here. Every edit runs under the scheme row's lock, checks
  the version the editor started from (a stale edit is refused, not merged), bumps
  the version and queues the year's rankings after commit.
* `ranking_compute` is what the worker runs: one query over the period's facts,
  `rankings.build.build_ranking`, save. It holds the scheme row's lock, so
  computations of one year and scheme edits never interleave, and it computes nothing
  when a ranking with the same scheme version and input fingerprint exists.
* `rankings_request(period=...)` queues that after commit. It is called after a
  cluster's aggregation (see the note in the final report / `cluster_aggregate`),
  after a scheme edit, by readers that notice a stale ranking, and by
  `rankings_reconcile` (periodic).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from aggregation.models import Basis, Fact
from aggregation.selectors import facts_marker, marks_for_period, members_frame
from aggregation.transforms import FACT_COLUMNS
from catalogue.models import Period
from catalogue.selectors import catalogue_for_year
from core.errors import ConflictError, DomainError, NotFoundError
from rankings.build import (
    CRITERION_FIELDS,
    build_ranking,
    criterion_from_mapping,
    ranking_fingerprint,
    scheme_to_dict,
)
from rankings.models import Ranking, RankingVisibility, ScoringCriterion, ScoringScheme
from rankings.scoring import EXAMPLE_SCHEME_2024, Scheme
from rankings.selectors import RankingRead, ranking_latest

logger = logging.getLogger(__name__)

# Rankings kept per period (the newest first); older ones are deleted.
RANKING_HISTORY = 10
# A reader that finds a stale ranking queues a recompute at most this often.
REQUEST_THROTTLE_SECONDS = 5


class SchemeInvalid(DomainError):
    """The scheme as edited cannot score: the message says what to fix."""


# --------------------------------------------------------------------------- schemes


def scheme_domain(
    scheme: ScoringScheme, criteria: Sequence[ScoringCriterion] | None = None
) -> Scheme:
    """The pure `Scheme` of a stored scheme (raises ValueError when invalid)."""
    rows = list(criteria) if criteria is not None else list(scheme.criteria.all())
    return Scheme(
        year=scheme.year,
        version=scheme.version,
        label=scheme.label_vi,
        label_en=scheme.label_en,
        is_example=scheme.is_example,
        criteria=tuple(
            criterion_from_mapping({name: getattr(row, name) for name in CRITERION_FIELDS})
            for row in rows
        ),
    )


def scheme_unknown_codes(*, year: int, criteria: Sequence[Mapping[str, Any]]) -> list[str]:
    """The indicator codes (numerators, denominators) of the criteria that the
    catalogue of the scheme's year does not have."""
    catalogue = catalogue_for_year(year)
    used = {
        str(item.get(name))
        for item in criteria
        for name in ("numerator", "denominator")
        if item.get(name)
    }
    return sorted(code for code in used if code not in catalogue)


def scheme_validate(*, year: int, criteria: Sequence[Mapping[str, Any]]) -> Scheme:
    """Check a list of criteria (dicts of `CRITERION_FIELDS`) as a whole scheme: each
    numerator and denominator an indicator of the year's catalogue, each criterion
    a valid combination, the criteria together a scheme."""
    unknown = scheme_unknown_codes(year=year, criteria=criteria)
    if unknown:
        raise SchemeInvalid(
            _("Chỉ tiêu không có trong danh mục năm %(year)s: %(codes)s")
            % {"year": year, "codes": ", ".join(unknown)},
            codes=unknown,
        )
    try:
        return Scheme(
            year=year,
            version=1,
            label="",
            criteria=tuple(criterion_from_mapping(item) for item in criteria),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise SchemeInvalid(_("Bảng điểm không hợp lệ: %(error)s") % {"error": error}) from None


def scheme_ensure_example(*, year: int) -> ScoringScheme:
    """The year's scheme; created from `EXAMPLE_SCHEME_2024` (labelled as an example)
    when the year has none. An existing scheme is never touched (idempotent)."""
    with transaction.atomic():
        scheme, created = ScoringScheme.objects.get_or_create(
            year=year,
            defaults={
                "label_vi": f"VÍ DỤ – bảng điểm minh họa năm {year}, "
                "không phải bảng điểm chính thức của Học viện",
                "label_en": f"EXAMPLE – an illustrative {year} scheme, "
                "not the Academy's official scoring table",
                "is_example": True,
                "basis": Basis.SUBMITTED,
                "description": "Seeded from rankings.scoring.EXAMPLE_SCHEME_2024.",
                "updated_by": "system",
            },
        )
        if created:
            _criteria_replace(
                scheme,
                _codes_of_year(
                    [
                        {name: getattr(criterion, name) for name in CRITERION_FIELDS}
                        for criterion in EXAMPLE_SCHEME_2024.criteria
                    ],
                    year=year,
                ),
            )
            rankings_request_year(year=year)
    return scheme


def _codes_of_year(criteria: list[dict[str, Any]], *, year: int) -> list[dict[str, Any]]:
    """Criteria copied into `year` name that year's indicators: a code the year's
    catalogue retired is replaced by its successor (publications.journal_articles ->
    articles.journal from 2025)."""
    catalogue = catalogue_for_year(year)
    for item in criteria:
        for name in ("numerator", "denominator"):
            code = item.get(name)
            if code and catalogue.successor(code):
                item[name] = catalogue.successor(code)
    return criteria


def scheme_copy(*, year: int, from_year: int | None, actor: str) -> ScoringScheme:
    """A new scheme for `year`: a copy of `from_year`'s, or the example when None."""
    if ScoringScheme.objects.filter(year=year).exists():
        raise ConflictError(_("Năm %(year)s đã có bảng điểm.") % {"year": year})
    if from_year is None:
        return scheme_ensure_example(year=year)
    source = ScoringScheme.objects.filter(year=from_year).first()
    if source is None:
        raise NotFoundError(_("Năm %(year)s chưa có bảng điểm.") % {"year": from_year})
    with transaction.atomic():
        scheme = ScoringScheme.objects.create(
            year=year,
            label_vi=source.label_vi.replace(str(from_year), str(year)),
            label_en=source.label_en.replace(str(from_year), str(year)),
            is_example=source.is_example,
            basis=source.basis,
            description=source.description,
            updated_by=actor,
        )
        _criteria_replace(
            scheme,
            _codes_of_year(
                [
                    {name: getattr(row, name) for name in CRITERION_FIELDS}
                    for row in source.criteria.all()
                ],
                year=year,
            ),
        )
        rankings_request_year(year=year)
    return scheme


SCHEME_FIELDS = ("label_vi", "label_en", "is_example", "basis", "description")


def scheme_update(
    *,
    year: int,
    expected_version: int,
    actor: str,
    fields: Mapping[str, Any] | None = None,
    criteria: Sequence[Mapping[str, Any]] | None = None,
) -> ScoringScheme:
    """Edit a scheme: its own fields and/or the whole list of criteria (replaced).

    Refused with 409 when the scheme is no longer at `expected_version`.
    """
    fields = dict(fields or {})
    unknown = set(fields) - set(SCHEME_FIELDS)
    if unknown:
        raise SchemeInvalid(_("Trường không sửa được: %(fields)s") % {"fields": sorted(unknown)})
    if "basis" in fields and fields["basis"] not in Basis.values:
        raise SchemeInvalid(_("Cơ sở số liệu không hợp lệ: %(basis)s") % {"basis": fields["basis"]})
    with transaction.atomic():
        scheme = _locked_scheme(year=year, expected_version=expected_version)
        if criteria is not None:
            scheme_validate(year=year, criteria=criteria)
            _criteria_replace(scheme, criteria)
        for name, value in fields.items():
            setattr(scheme, name, value)
        return _scheme_bump(scheme, actor=actor)


def criterion_update(
    *, year: int, code: str, expected_version: int, actor: str, changes: Mapping[str, Any]
) -> ScoringScheme:
    """Change some fields of one criterion (weight, direction, normalisation, cap...)."""
    unknown = set(changes) - (set(CRITERION_FIELDS) - {"code"})
    if unknown:
        raise SchemeInvalid(_("Trường không sửa được: %(fields)s") % {"fields": sorted(unknown)})
    with transaction.atomic():
        scheme = _locked_scheme(year=year, expected_version=expected_version)
        rows = list(scheme.criteria.all())
        target = next((row for row in rows if row.code == code), None)
        if target is None:
            raise NotFoundError(_("Không có tiêu chí %(code)s.") % {"code": code})
        merged = [
            {
                **{name: getattr(row, name) for name in CRITERION_FIELDS},
                **(dict(changes) if row.pk == target.pk else {}),
            }
            for row in rows
        ]
        scheme_validate(year=year, criteria=merged)
        for name, value in changes.items():
            setattr(target, name, _field_value(name, value))
        target.save()
        return _scheme_bump(scheme, actor=actor)


def scheme_touch(*, scheme_id: int, actor: str) -> ScoringScheme:
    """After an edit made elsewhere (the Django admin): validate, bump, queue."""
    with transaction.atomic():
        scheme = ScoringScheme.objects.select_for_update().get(pk=scheme_id)
        scheme_validate(
            year=scheme.year,
            criteria=[
                {name: getattr(row, name) for name in CRITERION_FIELDS}
                for row in scheme.criteria.all()
            ],
        )
        return _scheme_bump(scheme, actor=actor)


def _locked_scheme(*, year: int, expected_version: int) -> ScoringScheme:
    scheme = ScoringScheme.objects.select_for_update().filter(year=year).first()
    if scheme is None:
        raise NotFoundError(_("Năm %(year)s chưa có bảng điểm.") % {"year": year})
    if scheme.version != expected_version:
        raise ConflictError(
            _(
                "Bảng điểm đã được sửa (phiên bản %(current)s, bạn sửa từ phiên bản "
                "%(expected)s). Hãy tải lại và sửa lại."
            )
            % {"current": scheme.version, "expected": expected_version},
            current_version=scheme.version,
        )
    return scheme


def _scheme_bump(scheme: ScoringScheme, *, actor: str) -> ScoringScheme:
    # The caller holds the row's lock, so reading and bumping the version is safe.
    scheme.version += 1
    scheme.updated_by = actor[:150]
    scheme.save()
    rankings_request_year(year=scheme.year)
    return scheme


def _criteria_replace(scheme: ScoringScheme, criteria: Sequence[Mapping[str, Any]]) -> None:
    scheme.criteria.all().delete()
    ScoringCriterion.objects.bulk_create(
        [
            ScoringCriterion(
                scheme=scheme,
                position=position,
                **{
                    name: _field_value(name, item.get(name))
                    for name in CRITERION_FIELDS
                    if name in item
                },
            )
            for position, item in enumerate(criteria)
        ]
    )


def _field_value(name: str, value: Any) -> Any:
    if name == "denominator":
        return value or ""
    if name == "label_en":
        return value or ""
    if name in ("denominator_constant", "cap"):
        return None if value in (None, "") else float(value)
    if name in ("weight", "scale"):
        return float(value)
    return value


# --------------------------------------------------------------------------- rankings


@dataclass(frozen=True)
class RankingOutcome:
    ranking: Ranking | None
    computed: bool
    reason: str = ""


def ranking_compute(*, period: Period, force: bool = False) -> RankingOutcome:
    """Score and rank every school of the period's year on the year's scheme.

    Nothing is computed when the year has no scheme, or when a ranking with this
    scheme version and input fingerprint exists (its marker is refreshed instead).
    """
    with schema_context("public"), transaction.atomic():
        scheme = ScoringScheme.objects.select_for_update().filter(year=period.year).first()
        if scheme is None:
            return RankingOutcome(None, computed=False, reason="no_scheme")
        started = time.monotonic()
        # The marker is read before the facts: if they change in between, the stored
        # marker is older than the data and readers ask for a recompute (harmless),
        # never the other way round.
        marker = facts_marker(period=period)
        facts = _period_facts(period)
        members = members_frame(year=period.year)
        marks = marks_for_period(period=period, basis=scheme.basis)  # type: ignore[arg-type]
        catalogue = catalogue_for_year(period.year)
        fingerprint = ranking_fingerprint(
            facts=facts,
            members=members,
            period=period.code,
            basis=scheme.basis,
            catalogue_version=catalogue.version,
            marks=marks,
        )
        existing = Ranking.objects.filter(
            period=period, scheme=scheme, scheme_version=scheme.version, fingerprint=fingerprint
        ).first()
        if existing is not None and not force:
            if existing.facts_marker != marker:
                Ranking.objects.filter(pk=existing.pk).update(facts_marker=marker)
                existing.facts_marker = marker
            return RankingOutcome(existing, computed=False, reason="unchanged")
        domain = scheme_domain(scheme)
        data = build_ranking(
            facts=facts,
            members=members,
            catalogue=catalogue,
            period=period.code,
            scheme=domain,
            basis=scheme.basis,
            marks=marks,
        )
        data["scheme"] = scheme_to_dict(domain)
        now = timezone.now()
        values = {
            "basis": scheme.basis,
            "facts_marker": marker,
            "data": data,
            "computed_at": now,
            "duration_ms": int((time.monotonic() - started) * 1000),
        }
        if existing is not None:
            for name, value in values.items():
                setattr(existing, name, value)
            existing.save()
            ranking = existing
        else:
            ranking = Ranking.objects.create(
                period=period,
                scheme=scheme,
                scheme_version=scheme.version,
                fingerprint=fingerprint,
                **values,
            )
        keep = list(
            Ranking.objects.filter(period=period)
            .order_by("-computed_at", "-pk")
            .values_list("pk", flat=True)[:RANKING_HISTORY]
        )
        Ranking.objects.filter(period=period).exclude(pk__in=keep).delete()
    logger.info(
        "Ranking %s v%s %s computed in %s ms",
        period.code,
        scheme.version,
        fingerprint[:8],
        ranking.duration_ms,
    )
    return RankingOutcome(ranking, computed=True)


def rankings_request(*, period: Period) -> None:
    """Queue the period's ranking after commit (a lost message is caught by readers
    noticing a stale ranking and by `rankings_reconcile`)."""
    code = period.code

    def send() -> None:
        from rankings.tasks import compute_period_rankings

        try:
            compute_period_rankings.apply_async(kwargs={"period_code": code}, countdown=0.2)
        except Exception as error:
            logger.warning("Ranking of %s deferred to reconcile: %s", code, error)

    transaction.on_commit(send)


def rankings_request_year(*, year: int) -> None:
    for period in Period.objects.filter(year=year):
        rankings_request(period=period)


def ranking_obtain(*, period: Period) -> RankingRead:
    """The period's newest ranking for a reader.

    When there is none yet it is computed here (the same service the worker runs, a
    fraction of a second); when it is stale (scheme edited, facts or memberships
    changed) the old one is returned flagged `stale` and a recompute is queued.
    """
    scheme = ScoringScheme.objects.filter(year=period.year).first()
    ranking = ranking_latest(period=period)
    if scheme is None:
        return RankingRead(ranking, None, stale=ranking is not None)
    if ranking is None:
        ranking = ranking_compute(period=period).ranking
        return RankingRead(ranking, scheme, stale=False)
    marker = facts_marker(period=period)
    stale = (
        ranking.scheme_id != scheme.pk
        or ranking.scheme_version != scheme.version
        or ranking.facts_marker != marker
    )
    if stale:
        key = f"rankings-requested:{period.code}:{scheme.version}:{marker}"
        if cache.add(key, 1, timeout=REQUEST_THROTTLE_SECONDS):
            rankings_request(period=period)
    return RankingRead(ranking, scheme, stale=stale)


def rankings_reconcile(*, inline: bool = False) -> list[str]:
    """Recompute (or queue) every period whose newest ranking is behind its scheme or
    its facts. Returns the period codes concerned. Meant for Celery beat."""
    behind: list[str] = []
    versions = dict(ScoringScheme.objects.values_list("year", "version"))
    for period in Period.objects.filter(year__in=list(versions)):
        ranking = ranking_latest(period=period)
        has_facts = Fact.objects.filter(period=period).exists()
        if ranking is None and not has_facts:
            continue
        if (
            ranking is not None
            and ranking.scheme_version == versions[period.year]
            and ranking.facts_marker == facts_marker(period=period)
        ):
            continue
        behind.append(period.code)
        if inline:
            ranking_compute(period=period)
        else:
            rankings_request(period=period)
    return behind


def ranking_visibility_set(
    *, period: Period, open_to_schools: bool, actor: str
) -> RankingVisibility:
    visibility, _created = RankingVisibility.objects.update_or_create(
        period=period, defaults={"open_to_schools": open_to_schools, "updated_by": actor[:150]}
    )
    return visibility


# --------------------------------------------------------------------------- helpers


def _period_facts(period: Period) -> pd.DataFrame:
    rows = Fact.objects.filter(period=period).values_list(
        "school__schema_name", "period__code", "indicator", "value", "status", "version"
    )
    frame = pd.DataFrame.from_records(list(rows), columns=list(FACT_COLUMNS))
    return frame.astype({"value": "int64", "version": "int64"}) if len(frame) else frame
