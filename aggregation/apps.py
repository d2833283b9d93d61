from django.apps import AppConfig


class AggregationConfig(AppConfig):
    name = "aggregation"
    verbose_name = "Published figures and snapshots"

    def ready(self) -> None:
        from aggregation import receivers  # noqa: F401
