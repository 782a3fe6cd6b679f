from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "xuncha.petitions"
    label = "petitions"
    verbose_name = _("信访")

    def ready(self) -> None:
        from xuncha.petitions.deadlines import register

        register()
