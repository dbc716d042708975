import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings")
application = get_asgi_application()

from concierge.system.runtime import settle_heap  # noqa: E402 - needs the settings loaded

settle_heap()
