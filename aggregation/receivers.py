"""Aggregation listens to the school side: every change of a submission is published."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import receiver
from django_tenants.utils import schema_context

from catalogue.models import Period
from submissions.signals import submission_changed
from tenants.models import School

logger = logging.getLogger(__name__)


@receiver(submission_changed, dispatch_uid="aggregation.publish_on_change")
def queue_publish(sender: Any, *, school: School, period: Period, **_: Any) -> None:
    """Publish the school's figures once the transaction commits.

    If the broker is down the submission is still saved; the reconcile task
    republishes whatever is stale, so the figures appear once the broker is back.
    """
    slug, code = school.schema_name, period.code

    def send() -> None:
        from aggregation.tasks import publish_submission

        try:
            with schema_context(slug):
                publish_submission.delay(period_code=code, school=slug)
        except Exception as error:
            logger.warning("Publishing %s %s deferred to reconcile: %s", slug, code, error)

    transaction.on_commit(send)
