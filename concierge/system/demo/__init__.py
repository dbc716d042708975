"""Demo data: a desk that has been running for weeks, in four languages.

`concierge demo` (`python manage.py demo`) calls `load_demo`; see `loader.py` for how the
history is replayed through the real services.
"""

from concierge.system.demo.loader import DemoSummary, demo_loaded, load_demo

__all__ = ["DemoSummary", "demo_loaded", "load_demo"]
