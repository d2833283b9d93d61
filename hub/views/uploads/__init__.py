"""Upload pages: a school's spreadsheet (`school`, school host) and the bulk backfill
(`bulk`, hub host).

Most schools keep their figures in Excel, so the template is filled in a spreadsheet
program and sent back here. Both pages work in two steps:

1. The file is read in a dry run (`upload_process` / `bulk_process` with
   ``dry_run=True``): no figure is saved, the original file is kept (`Upload` in the
   school's media folder, `BulkUpload` on the hub) and the page shows what would change
   and every problem, located by sheet, row and column.
2. Confirming names the kept file, not a new one: the stored original is read again
   and applied. For a school the version seen at the dry run goes with it
   (``expected_version``), so a change made by someone else in between is refused with
   nothing applied. The bulk page passes the changes the dry run showed
   (``expected_changes``): the file is applied only if it still makes exactly those.

Who may do it is the API's rule (`api.views_uploads`): on a school host its editors
and approvers (`can_edit`); on the hub host the department and the users of a school
that leads a cluster (`imports.selectors.bulk_allowed_schools` then limits the schools).
"""

from __future__ import annotations

from hub.views.uploads.bulk import bulk_upload_page
from hub.views.uploads.school import upload_file, upload_page

__all__ = ["bulk_upload_page", "upload_file", "upload_page"]
