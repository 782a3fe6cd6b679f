from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    name = "xuncha.followups"
    label = "followups"
    verbose_name = _("回访督查")

    def ready(self) -> None:
        from xuncha.followups.deadlines import register

        register()
