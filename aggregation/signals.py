"""What aggregation announces to the features above it (rankings follow snapshots).

Aggregation never imports its readers; they connect here in their `AppConfig.ready`.
"""

from django.dispatch import Signal

# Sent inside the aggregating transaction with `period` after a cluster's snapshots
# for that period were stored anew.
snapshots_stored = Signal()
