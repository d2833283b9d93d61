"""Make Office (ZIP) files byte-for-byte reproducible.

python-docx and openpyxl stamp every ZIP member with the current time; rewriting the
archive with a fixed timestamp (the report's issue date) makes the same context give
the same bytes, so a stored file can be compared with a rebuilt one.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date


def normalise_zip(data: bytes, stamp: date) -> bytes:
    when = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=when)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, source.read(info.filename))
    return out.getvalue()
