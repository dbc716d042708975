from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AutomationConfig(AppConfig):
    name = "concierge.automation"
    label = "automation"
    verbose_name = _("Automation")

    def ready(self) -> None:
        # Registers the start-up check of the BRAND_TONE setting.
        from concierge.automation import macros_tone  # noqa: F401
