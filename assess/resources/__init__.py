"""Files assess reads at run time (the safety limits, the body map), shipped inside the package."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def resource(name: str) -> Traversable:
    """A shipped file, wherever the package was installed (a checkout, a wheel, a bundle)."""
    return files(__name__).joinpath(name)
