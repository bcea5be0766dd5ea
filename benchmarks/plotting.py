"""matplotlib for the benchmark scripts: the file backend (no display on a benchmark
machine), or one line saying how to install it instead of a traceback."""

from __future__ import annotations

import sys
from typing import Any


def pyplot(script: str) -> Any:
    """``matplotlib.pyplot`` on the Agg backend; exits naming ``script`` without it."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit(f"{script} needs matplotlib to draw its chart: pip install matplotlib")
    return plt
