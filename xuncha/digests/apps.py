from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigestsConfig(AppConfig):
    name = "xuncha.digests"
    label = "digests"
    verbose_name = _("摘编导入")
