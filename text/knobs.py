"""Settings that document themselves: each layer's frozen config dataclasses (text.boilerplate,
alignment.config) declare their fields with `knob`, and the docs' table of knobs is generated
from those descriptions (alignment.config.knob_table)."""

from __future__ import annotations

from dataclasses import field


def knob(default, doc: str):
    """A dataclass field with the one-line description the docs table shows."""
    return field(default=default, metadata={"doc": doc})
