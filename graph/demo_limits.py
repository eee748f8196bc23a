"""The demo map's default name and the sizes it can be made at.

Kept apart from ``graph.demo`` (which needs the model) so that the command line can show them in
its help without importing anything heavy.
"""

from __future__ import annotations

__all__ = ["DEMO_NAME", "MAX_SIZE", "MIN_SIZE"]

DEMO_NAME = "demo"
MIN_SIZE = 200
MAX_SIZE = 200_000
