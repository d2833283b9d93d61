"""Checking an uploaded file by its content before any parser touches it."""

from __future__ import annotations

import io
import zipfile
from typing import Literal

from core.formatting import format_number
from submissions.spreadsheets.base import (
    _OLE_MAGIC,
    Kind,
    UploadRefused,
)
from submissions.spreadsheets.limits import (
    MAX_COMPRESSION_RATIO,
    MAX_UNCOMPRESSED_BYTES,
    MAX_ZIP_MEMBERS,
    RATIO_CHECK_MIN_BYTES,
    SIZE_LIMITS,
)

# --- Content sniffing ------------------------------------------------------------


UploadKind = Literal["school", "bulk"]


def _megabytes(size: int, language: str) -> str:
    """A size in MB as people read it: 5 MB, 20 MB, 50,3 MB (vi) / 50.3 MB (en)."""
    return format_number(size / (1024 * 1024), language, decimals=1) + " MB"


def check_upload_size(size: int | None, *, kind: UploadKind, filename: str = "") -> None:
    """Refuse an upload larger than its kind's limit (`limits.SIZE_LIMITS`), saying
    both the file's size and the real limit. The one size check of every door: the
    pages, the API and the parsers call it."""
    limit = SIZE_LIMITS[kind]
    if size is None or size <= limit:
        return
    what_vi = "tệp số liệu của trường" if kind == "school" else "tệp nhập hàng loạt"
    what_en = "a school's figures file" if kind == "school" else "a bulk upload file"
    size_vi, limit_vi = _megabytes(size, "vi"), _megabytes(limit, "vi")
    size_en, limit_en = _megabytes(size, "en"), _megabytes(limit, "en")
    # The file's own size only when it reads larger than the limit ("5 MB" over "5 MB"
    # would say nothing).
    raise UploadRefused(
        f"Tệp “{filename or 'tệp'}” "
        + (f"nặng {size_vi}, " if size_vi != limit_vi else "")
        + f"vượt giới hạn {limit_vi} của {what_vi}.",
        f"The file “{filename or 'file'}” "
        + (f"is {size_en}, " if size_en != limit_en else "is ")
        + f"over the {limit_en} limit of {what_en}.",
    )


def sniff_kind(data: bytes, filename: str, *, kind: UploadKind = "school") -> Kind:
    """ "xlsx" or "csv" from the CONTENT (the name is used in messages only).

    Raises UploadRefused for anything else: too big, empty, legacy .xls (or an
    encrypted workbook, which is an OLE file too), macro-enabled workbooks even when
    renamed, other zips (.docx, .ods), zip bombs, binaries, text not in UTF-8.
    """
    name = filename or "tệp"
    if not data:
        raise UploadRefused(f"Tệp “{name}” rỗng.", f"The file “{name}” is empty.")
    check_upload_size(len(data), kind=kind, filename=filename)
    if data.startswith(_OLE_MAGIC):
        raise UploadRefused(
            f"Tệp “{name}” là tệp Excel 97–2003 (.xls) hoặc tệp Excel có đặt mật khẩu; "
            "hệ thống không đọc được. Hãy mở tệp, bỏ mật khẩu nếu có, rồi “Lưu thành” "
            "Sổ làm việc Excel (.xlsx).",
            f"“{name}” is a legacy Excel 97–2003 (.xls) or password-protected workbook, "
            "which cannot be read. Open it, remove any password and “Save As” an Excel "
            "Workbook (.xlsx).",
        )
    if data.startswith(b"PK"):
        _check_xlsx_zip(data, name)
        return "xlsx"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _encoding_refusal(name, "UTF-16")
    if data.startswith(b"%PDF"):
        raise UploadRefused(
            f"Tệp “{name}” là PDF; hãy tải lên tệp Excel (.xlsx) hoặc CSV.",
            f"“{name}” is a PDF; upload an Excel (.xlsx) or CSV file.",
        )
    if b"\x00" in data or _looks_binary(data[:8192]):
        raise UploadRefused(
            f"Tệp “{name}” không phải tệp Excel (.xlsx) hay CSV.",
            f"“{name}” is neither an Excel (.xlsx) nor a CSV file.",
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _encoding_refusal(name, "") from exc
    return "csv"


def _looks_binary(head: bytes) -> bool:
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return controls > max(2, len(head) // 100)


def _encoding_refusal(name: str, found: str) -> UploadRefused:
    found_vi = f" (tệp đang là {found})" if found else ""
    found_en = f" (this one is {found})" if found else ""
    return UploadRefused(
        f"Tệp CSV “{name}” phải dùng bảng mã UTF-8 (có hoặc không có BOM){found_vi}. "
        "Trong Excel, chọn “Lưu thành” → “CSV UTF-8 (phân cách bằng dấu phẩy)”. "
        "Các bảng mã khác (Windows-1258, TCVN3, UTF-16) không được nhận.",
        f"The CSV file “{name}” must be UTF-8 (with or without BOM){found_en}. In Excel, "
        "choose “Save As” → “CSV UTF-8 (Comma delimited)”. Other encodings "
        "(Windows-1258, TCVN3, UTF-16) are not accepted.",
    )


def _check_xlsx_zip(data: bytes, name: str) -> None:
    """Refuse a zip that is not a plain XLSX, or that would inflate too much,
    reading only the central directory (and [Content_Types].xml, bounded)."""
    not_xlsx = UploadRefused(
        f"Tệp “{name}” không phải sổ làm việc Excel (.xlsx) hợp lệ.",
        f"“{name}” is not a valid Excel workbook (.xlsx).",
    )
    bomb = UploadRefused(
        f"Tệp “{name}” giải nén ra quá lớn (nghi là “bom nén”); hệ thống không mở.",
        f"“{name}” would decompress to too much data (a zip bomb?); it was not opened.",
    )
    macro = UploadRefused(
        f"Tệp “{name}” là sổ làm việc có macro (.xlsm); vì an toàn, hệ thống không nhận. "
        "Hãy “Lưu thành” Sổ làm việc Excel (.xlsx).",
        f"“{name}” is a macro-enabled workbook (.xlsm), refused for safety. "
        "“Save As” an Excel Workbook (.xlsx).",
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise not_xlsx from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise bomb
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size >= RATIO_CHECK_MIN_BYTES and (
                info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
            ):
                raise bomb
        if total > MAX_UNCOMPRESSED_BYTES:
            raise bomb
        names = {info.filename for info in infos}
        if any(entry.lower().rsplit("/", 1)[-1] == "vbaproject.bin" for entry in names):
            raise macro
        if "mimetype" in names and "content.xml" in names:
            raise UploadRefused(
                f"Tệp “{name}” là bảng tính OpenDocument (.ods); hãy lưu thành Excel (.xlsx).",
                f"“{name}” is an OpenDocument spreadsheet (.ods); save it as Excel (.xlsx).",
            )
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise not_xlsx
        if any(info.flag_bits & 0x1 for info in infos):
            raise not_xlsx  # encrypted members
        content_types = archive.getinfo("[Content_Types].xml")
        if content_types.file_size > 1024 * 1024:
            raise not_xlsx
        try:
            declared = archive.read(content_types).lower()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise not_xlsx from exc
        if b"macroenabled" in declared or b"vbaproject" in declared:
            raise macro
