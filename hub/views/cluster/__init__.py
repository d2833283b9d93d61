"""The cluster review pages (journey 2): the lead school's board of who has reported,
the cluster's figures and findings, the report's text and the report itself.

Served on a school host at /cluster/<cluster>/<period>/ (the host school must be in
the cluster that year) and on the hub's own host at /clusters/<cluster>/<period>/,
where the department works. Who may read and generate is `tenants.access` (as in the
API twins `api.views_clusters`, `api.views_reviews`); who may accept, return and
reopen is `submissions.review_policy`, applied by the services the API calls too.
No ORM here: reads go through selectors, writes through services, with
`Channel.PAGE`.

By page: `board` (who has reported, review decisions), `figures` (tiles, tables,
findings, basis), `sections` (the report's text), `reports` (jobs, preview,
request), `page` (the page and the text's saves), `index` (where to go).
"""

from hub.views.cluster.board import cluster_review_submission
from hub.views.cluster.figures import cluster_basis_page
from hub.views.cluster.index import cluster_index, cluster_links
from hub.views.cluster.page import cluster_narrative_page, cluster_page, cluster_prefill
from hub.views.cluster.reports import cluster_report_request, preview_css

__all__ = [
    "cluster_basis_page",
    "cluster_index",
    "cluster_links",
    "cluster_narrative_page",
    "cluster_page",
    "cluster_prefill",
    "cluster_report_request",
    "cluster_review_submission",
    "preview_css",
]
