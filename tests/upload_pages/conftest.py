"""Upload pages keep the original files: keep them in a temporary media folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.storage import storages


def _forget_media_root() -> None:
    # django-tenants' storage caches MEDIA_ROOT/<schema> and does not drop it when
    # MEDIA_ROOT changes (only when MULTITENANT_RELATIVE_MEDIA_ROOT does).
    storages["default"].__dict__.pop("relative_media_root", None)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    _forget_media_root()
    yield tmp_path / "media"
    _forget_media_root()
