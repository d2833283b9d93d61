"""Celery configuration (read by worker.app through the CELERY_ namespace)."""

from __future__ import annotations

from datetime import timedelta

from hub.settings.env import env_int, env_str

_REDIS_URL = env_str("REDIS_URL", default="redis://127.0.0.1:6379/0")

CELERY_BROKER_URL = _REDIS_URL
CELERY_RESULT_BACKEND = _REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
# Tasks are idempotent, so a task lost with its worker is redelivered rather than dropped.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TRACK_STARTED = True
# Task outcomes live in the database (facts, snapshots, report jobs), never in the
# result backend. Storing results also makes every send subscribe to a result channel
# first, which with Redis down blocks a web request ~19 s before the save can go on.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = timedelta(days=1)
# Longer than the longest job (a report for the largest cluster), so Redis does not
# redeliver a task that is still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A suffix keeps a test session's queues apart from any other worker on the same Redis.
QUEUE_SUFFIX = env_str("HUB_QUEUE_SUFFIX", default="")
HUB_QUEUES = [f"{name}{QUEUE_SUFFIX}" for name in ("celery", "publish", "aggregate", "reports")]
CELERY_TASK_DEFAULT_QUEUE = f"celery{QUEUE_SUFFIX}"
CELERY_TASK_ROUTES = {
    "aggregation.publish_submission": {"queue": f"publish{QUEUE_SUFFIX}"},
    "aggregation.aggregate_cluster_period": {"queue": f"aggregate{QUEUE_SUFFIX}"},
    "aggregation.reconcile_all": {"queue": f"aggregate{QUEUE_SUFFIX}"},
    "reviews.generate_report": {"queue": f"reports{QUEUE_SUFFIX}"},
}
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Catches up whatever a lost message or a broker outage left unpublished.
    "reconcile": {
        "task": "aggregation.reconcile_all",
        "schedule": timedelta(seconds=env_int("RECONCILE_EVERY_SECONDS", 120)),
    },
    "reconcile-rankings": {
        "task": "rankings.reconcile_rankings",
        "schedule": timedelta(seconds=env_int("RECONCILE_EVERY_SECONDS", 120)),
    },
}
