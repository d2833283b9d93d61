"""Safety limits of the spreadsheets the hub reads: size, rows, columns, zip members."""

from __future__ import annotations

# --- Safety limits ---------------------------------------------------------------

#: Largest school upload accepted, in bytes (the template is ~15 kB).
MAX_BYTES = 5 * 1024 * 1024
#: Largest bulk (department backfill) file accepted: many schools and periods.
MAX_BULK_BYTES = 20 * 1024 * 1024
#: The size limit of each kind of upload; `sniff.check_upload_size` is the one check.
SIZE_LIMITS: dict[str, int] = {"school": MAX_BYTES, "bulk": MAX_BULK_BYTES}
#: Most rows (blank ones included) read from a school's sheet. The template has one
#: row per indicator (~150) plus two header rows.
MAX_ROWS = 5_000
#: Most rows in the department's bulk file. 63 schools x ~200 indicators x 2
#: periods is ~25,000 rows, which MAX_ROWS would refuse.
MAX_BULK_ROWS = 50_000
#: Most columns read from a school's sheet (the wide layout has one per indicator).
MAX_COLUMNS = 1_000
#: Most columns read from the bulk file (it needs four).
MAX_BULK_COLUMNS = 50
#: Zip bomb guard: total declared uncompressed size of all members of an XLSX.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
#: Zip bomb guard: uncompressed/compressed ratio allowed for a member of at least
#: RATIO_CHECK_MIN_BYTES (small members legitimately compress very well). Real
#: worksheets compress 5-30x.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_MIN_BYTES = 1024 * 1024
#: Most members in an XLSX zip (a real one has 10-30).
MAX_ZIP_MEMBERS = 500
#: Rows searched for the header row.
HEADER_SCAN_ROWS = 20
#: Problems reported before the rest are summarised in one line.
MAX_REPORTED_PROBLEMS = 300
