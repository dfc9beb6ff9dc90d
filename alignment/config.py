"""Every alignment knob in one frozen place: the library, the CLI and the service read it here.

Defaults are the measured best (docs/alignment.md has the numbers behind each). A user changes
a knob by name (`AlignConfig().replace_options(["max_bead=6", "weights.skip=0.8"])`, or the
CLI's `--option`, or the service's `BITEXT_ALIGN_OPTIONS`); the table of knobs in
docs/alignment.md is generated from this module (`knob_table()`), so the two cannot drift.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from text.errors import InputError


def knob(default, doc: str):
    """A dataclass field with the one-line description the docs table shows."""
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class CostWeights:
    """How a bead's cost is made up, per sentence it covers (tuned on mac-dev)."""

    skip: float = knob(0.7, "cost of leaving one sentence unaligned")
    many: float = knob(0.13, "extra cost per sentence beyond the first on each side of a bead")
    length: float = knob(0.05, "weight of the Gale-Church length cost")
    containment: float = knob(0.7, "share of the containment distance in a bead's distance")
    lexicon: float = knob(0.1, "weight of the dictionary similarity above the band's baseline")
    quote: float = knob(0.1, "cost of a bead whose sides disagree on ending a quotation")
    mt: float = knob(0.5, "share of the chrF distance when a machine translation is given")


@dataclass(frozen=True)
class AlignConfig:
    """The knobs of parallel alignment; topic ranking and comparable mode have their own."""

    max_bead: int = knob(5, "most sentences in one bead, both sides together (5: 1-4, 2-3)")
    exact_runs: bool = knob(False, "embed runs of sentences as joined texts (~10x the encoding)")
    band_margin: int = knob(8, "columns searched beyond the rectangle between two anchors")
    band_corridor: int = knob(24, "columns kept either side of the line joining two anchors")
    rotation_share: float = knob(0.3, "share of the anchors' Procrustes rotation applied")
    rotation_min_anchors: int = knob(32, "fewest anchors a rotation is fitted on")
    length_variance: float = knob(
        6.8, "Gale-Church variance per source character until 5 anchors give one"
    )
    dictionary_max_word: int = knob(4, "longest CC-CEDICT headword tried, in characters")
    weights: CostWeights = knob(CostWeights(), "the bead cost's weights")

    def replace_options(self, options: Iterable[str]) -> AlignConfig:
        """A copy with `name=value` options applied (`weights.skip=0.8` reaches a section)."""
        config = self
        for option in options:
            name, sep, value = option.partition("=")
            if not sep:
                raise InputError(f"alignment option {option!r}: expected NAME=VALUE")
            config = _replaced(config, name.strip().split("."), value.strip(), name.strip())
        return config


DEFAULT_CONFIG = AlignConfig()


def _replaced(section, path: list[str], value: str, name: str):
    fields = {f.name: f for f in dataclasses.fields(section)}
    if path[0] not in fields:
        known = ", ".join(n for n, _ in options_of(DEFAULT_CONFIG))
        raise InputError(f"unknown alignment option {name!r}; the options are: {known}")
    current = getattr(section, path[0])
    if dataclasses.is_dataclass(current):
        if len(path) == 1:
            raise InputError(f"alignment option {name!r} is a section: name one of its fields")
        new = _replaced(current, path[1:], value, name)
    elif len(path) > 1:
        raise InputError(f"alignment option {name!r}: {path[0]} has no fields")
    else:
        new = _parse(value, type(current), name)
    return dataclasses.replace(section, **{path[0]: new})


def _parse(value: str, kind: type, name: str):
    if kind is bool:
        if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise InputError(f"alignment option {name}={value!r}: expected true or false")
        return value.lower() in ("true", "1", "yes")
    try:
        parsed = kind(value)
    except ValueError:
        raise InputError(f"alignment option {name}={value!r}: expected a {kind.__name__}") from None
    if parsed < 0:
        raise InputError(f"alignment option {name}={value!r}: must not be negative")
    return parsed


def options_of(section, prefix: str = "") -> Iterator[tuple[str, dataclasses.Field]]:
    """(dotted name, field) of every knob, sections flattened."""
    for f in dataclasses.fields(section):
        value = getattr(section, f.name)
        if dataclasses.is_dataclass(value):
            yield from options_of(value, f"{prefix}{f.name}.")
        else:
            yield f"{prefix}{f.name}", f


def knob_table(config: AlignConfig | None = None) -> str:
    """The Markdown table of knobs in docs/alignment.md (a test keeps the two equal)."""
    config = config or DEFAULT_CONFIG
    rows = ["| option | default | what |", "|---|---|---|"]
    for name, f in options_of(config):
        value = config
        for part in name.split("."):
            value = getattr(value, part)
        rows.append(
            f"| `{name}` | {str(value).lower() if isinstance(value, bool) else value} "
            f"| {f.metadata['doc']} |"
        )
    return "\n".join(rows) + "\n"
