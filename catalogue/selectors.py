from __future__ import annotations

from functools import lru_cache

from django.utils.translation import gettext as _

from catalogue.models import Period
from catalogue.spec import Catalogue, load_catalogue, version_for_year
from core.errors import NotFoundError


@lru_cache(maxsize=16)
def _catalogue_version(version: int) -> Catalogue:
    return load_catalogue(version)


def catalogue_for_year(year: int) -> Catalogue:
    """The catalogue in force for a year (cached per process: the files change only
    with a deploy)."""
    return _catalogue_version(version_for_year(year))


def period_by_code(code: str) -> Period | None:
    return Period.objects.filter(code=code).first()


def period_get(code: str) -> Period:
    """The period with this code; NotFoundError (404 at the edges) when there is none.
    The one lookup the pages and the API use for a period named in a URL."""
    period = period_by_code(code)
    if period is None:
        raise NotFoundError(_("Không có kỳ báo cáo %(code)s.") % {"code": code})
    return period


def periods_list() -> list[Period]:
    return list(Period.objects.all())
