from django.apps import AppConfig
from django.conf import settings


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = "Cụm Hub"

    def ready(self) -> None:
        from hub.i18n import compile_translations

        for locale_dir in settings.LOCALE_PATHS:
            compile_translations(locale_dir)
