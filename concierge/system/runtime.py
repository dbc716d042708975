"""What a web process does once it is loaded, before it serves anyone."""

from __future__ import annotations

import gc

from django.urls import get_resolver


def settle_heap() -> None:
    """Load every view module, then move what is loaded out of the garbage collector's way.

    Settings, models, URL patterns and views live as long as the process. Left in the
    collector's oldest generation, each full collection walks all of them and stops the
    request it lands in for some 50 ms; frozen, a collection walks only what requests
    left behind (gc.freeze, the standard library's advice for long-lived processes).
    """
    # Importing the URL configuration imports every view and what the views import.
    get_resolver().url_patterns  # noqa: B018 - evaluated for its imports
    gc.collect()
    gc.freeze()
