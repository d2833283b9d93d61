from django.apps import AppConfig


class RankingsConfig(AppConfig):
    name = "rankings"
    verbose_name = "Rankings"

    def ready(self) -> None:
        # Rankings follow the snapshots: aggregation announces, this app listens, so
        # aggregation never imports rankings.
        from rankings import receivers  # noqa: F401
