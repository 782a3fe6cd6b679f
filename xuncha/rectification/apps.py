from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "xuncha.rectification"
    label = "rectification"
    verbose_name = _("整改")

    def ready(self) -> None:
        from xuncha.rectification import requests  # noqa: F401  (its workflow, for history)
        from xuncha.rectification.deadlines import register

        register()
