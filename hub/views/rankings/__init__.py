"""The department's pages (journey 3): rankings, leaderboards, scorecards, trends,
cluster against cluster, and the scoring scheme; one module per page.

They live on the hub's own host and are thin: each parses its input, calls the
reads of `rankings.selectors` (which apply the one access rule of
`rankings.access`, as the API does) or the writes of `rankings.services`, and
renders. Charts are inline SVG from `hub.charts`; every table can be downloaded with
``?export=xlsx`` (`rankings.exports`). A page showing a ranking that is being
recomputed says so and reloads itself until the new one is there.
"""

from hub.views.rankings.comparison import comparison_page
from hub.views.rankings.index import rankings_index
from hub.views.rankings.leaderboard import leaderboard_page
from hub.views.rankings.ranking import cluster_ranking_page, ranking_page
from hub.views.rankings.scheme import scheme_page
from hub.views.rankings.scorecard import scorecard_page
from hub.views.rankings.trend import trend_page
from hub.views.rankings.visibility import visibility_page

__all__ = [
    "cluster_ranking_page",
    "comparison_page",
    "leaderboard_page",
    "ranking_page",
    "rankings_index",
    "scheme_page",
    "scorecard_page",
    "trend_page",
    "visibility_page",
]
