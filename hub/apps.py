from django.apps import AppConfig
from django.conf import settings


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = "Cụm Hub"

    def ready(self) -> None:
        # The apps' tasks are `shared_task`s: loading the Celery app here makes it the
        # current app in every process (web, commands, tests), not only in the worker.
        import worker.celery_app  # noqa: F401
        from hub.i18n import compile_translations

        for locale_dir in settings.LOCALE_PATHS:
            compile_translations(locale_dir)
