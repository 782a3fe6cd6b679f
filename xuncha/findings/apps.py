from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FindingsConfig(AppConfig):
    name = "xuncha.findings"
    label = "findings"
    verbose_name = _("问题清单")

    def ready(self) -> None:
        from xuncha.findings.deadlines import register

        register()
