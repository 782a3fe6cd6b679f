from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "xuncha.notifications"
    label = "notifications"
    verbose_name = _("通知")

    def ready(self) -> None:
        from xuncha.notifications import receivers  # noqa: F401  (connects the signals)
