"""What the school side announces to the layers above it.

Submissions sit below aggregation: they never import it. A change that the hub
must publish is announced here; `aggregation.receivers` queues the publish.
"""

from django.dispatch import Signal

# Sent inside the saving transaction with `school` and `period` after any change of a
# submission's values or status (saves, imports, submit, accept, return, reopen).
submission_changed = Signal()
