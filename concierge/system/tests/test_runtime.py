"""A web process settles its heap once loaded: views imported, then frozen."""

from __future__ import annotations

import gc
import sys

from concierge.system.runtime import settle_heap


def test_settling_imports_the_views_and_freezes_what_is_loaded():
    gc.unfreeze()
    try:
        settle_heap()

        assert gc.get_freeze_count() > 0
        assert "concierge.tickets.views.inbox" in sys.modules
    finally:
        gc.unfreeze()
