from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClocksConfig(AppConfig):
    name = "xuncha.clocks"
    label = "clocks"
    verbose_name = _("时限与预警")
