"""Serve the web application with uvicorn (ASGI)."""

from __future__ import annotations

import os
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the web server (uvicorn)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "1")))

    def handle(self, *args: Any, host: str, port: int, workers: int, **options: Any) -> None:
        if not settings.PRODUCTION:
            # Outside production the files are served from where they are (finders);
            # WhiteNoise would still warn about the collectstatic folder not being there.
            settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
        uvicorn.run(
            "concierge.asgi:application",
            host=host,
            port=port,
            workers=workers,
            proxy_headers=True,
            log_level="info",
            lifespan="off",
        )
