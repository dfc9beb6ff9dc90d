"""Every alignment knob in one frozen place: the library, the CLI and the service read it here.

Defaults are the measured best (docs/alignment.md has the numbers behind each). A user changes
a knob by name (`AlignConfig().replace_options(["max_bead=7", "weights.skip=0.8"])`, or the
CLI's `--option`, or the service's `BITEXT_ALIGN_OPTIONS`); the table of knobs in
docs/alignment.md is generated from this module (`knob_table()`), so the two cannot drift.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from text.boilerplate import BoilerplateConfig
from text.errors import InputError
from text.knobs import knob


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
class ClauseConfig:
    """Where comparable mode cuts sentences into clauses (alignment.clauses)."""

    min_zh_chars: int = knob(5, "a Chinese piece with fewer Han characters joins its neighbours")
    min_en_words: int = knob(4, "an English piece with fewer words joins its neighbours")


@dataclass(frozen=True)
class TermConfig:
    """Which specific terms comparable mode matches (alignment.terms)."""

    name_widths: tuple[int, ...] = knob(
        (2, 3), "Han window widths read as names (shanxi, xijinping)"
    )
    min_number_digits: int = knob(2, "digits a number needs to count (9 matches too much)")
    phrase_window: int = knob(3, "English words apart that still make a phrase (safe ... Shanxi)")


@dataclass(frozen=True)
class OrderConfig:
    """When and how comparable mode uses the documents' local order (alignment.order)."""

    enabled: bool = knob(True, "use the local order where the documents keep one")
    min_neighbours: int = knob(2, "fewest reported pairs 1-3 sentences after another on both sides")
    margin: float = knob(4.0, "times the neighbours pairs at random positions would have")
    moves: tuple[float, ...] = knob(
        (0.3, 1.0, 0.3, 0.1), "weights of moving 0, 1, 2, 3 sentences forward"
    )
    jump: float = knob(0.2, "probability of a jump anywhere instead")
    null: float = knob(0.1, "probability that a sentence has no counterpart")
    emission: float = knob(
        30.0, "a pair emits the odds of its probability times this (at `certain_share`)"
    )
    certain: float = knob(0.99, "probability that makes a reported pair near-certain")
    certain_share: float = knob(0.4, "share of near-certain reported pairs that gets `emission`")
    certainty: float = knob(
        10.0, "emission x exp(this x (certain_share - the document pair's share))"
    )
    threshold: float = knob(0.8, "posterior a pair the order finds must reach")
    calibration: tuple[tuple[float, float], ...] = knob(
        (
            (0.0, 0.0),
            (0.015, 0.007),
            (0.643, 0.276),
            (0.877, 0.573),
            (0.983, 0.887),
            (1.0, 0.887),
        ),
        "(posterior, share of right pairs) of the pairs only the order finds, held out",
    )


@dataclass(frozen=True)
class ComparableConfig:
    """Comparable mode (alignment.comparable); the fitted numbers come from
    `python bench/comparable.py --fit` (synthetic comparable sets, never the seeds' gold)."""

    k: int = knob(4, "neighbours whose mean a unit pair must beat (hub correction)")
    coefficients: tuple[float, ...] = knob(
        (-2.327, 27.216, 1.354, 6.702, 0.89, -0.093, 0.339, -0.018),
        "logistic weights of the unit-pair features (alignment.unit_pairs.FEATURES)",
    )
    intercept: float = knob(-5.088, "the logistic intercept")
    chrf_coefficient: float = knob(
        2.0, "weight of chrF against a machine translation (untuned: no model here)"
    )
    calibration: tuple[tuple[float, float], ...] = knob(
        (
            (0.0, 0.0),
            (0.005, 0.015),
            (0.386, 0.372),
            (0.555, 0.554),
            (0.644, 0.597),
            (0.751, 0.774),
            (0.856, 0.787),
            (0.926, 0.848),
            (0.993, 0.983),
            (1.0, 0.983),
        ),
        "(probability, share of right pairs) measured on held-out synthetic sets",
    )
    threshold: float = knob(0.5, "probability (noisy-or of its evidence) a pair must reach")
    evidence: float = knob(
        0.1, "a unit pair this probable is evidence (synthetic F1 flat over 0.05-0.1, 0.3 worse)"
    )
    partners: int = knob(2, "a unit pairs with at most its best `partners` on the other side")
    sentences: bool = knob(True, "compare whole sentences too, not only clauses")
    same_coverage: float = knob(0.6, "grade `same`: matched spans cover this share of both")
    block_cells: int = knob(
        1 << 19, "unit pairs scored at once: memory stays linear in the input (results unchanged)"
    )
    clauses: ClauseConfig = knob(ClauseConfig(), "clause cutting")
    terms: TermConfig = knob(TermConfig(), "specific-term matching")
    order: OrderConfig = knob(OrderConfig(), "local order")


@dataclass(frozen=True)
class TopicConfig:
    """When a candidate document shares topics (alignment.topics)."""

    chance: float = knob(
        0.006, "mass per sentence of the shorter document between unrelated documents"
    )
    margin: float = knob(3.0, "times the chance mass a related document must reach")
    min_mass: float = knob(1.0, "and at least this many expected right pairs")


@dataclass(frozen=True)
class VerdictConfig:
    """When parallel mode's beads say the documents are not translations (alignment.verdict)."""

    confident_score: float = knob(0.2, "a bead this good is a translation's, mostly")
    min_confident_share: float = knob(
        0.2, "share of sentences in confident beads below which documents are not translations"
    )
    min_sentences: int = knob(6, "fewer sentences on a side: too little to judge")


@dataclass(frozen=True)
class AlignConfig:
    """Every knob: parallel alignment's at the top, the other parts' in sections."""

    max_bead: int = knob(6, "most sentences in one bead, both sides together (6: 1-5, 2-4, 3-3)")
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
    comparable: ComparableConfig = knob(ComparableConfig(), "comparable mode")
    topics: TopicConfig = knob(TopicConfig(), "topic ranking")
    verdict: VerdictConfig = knob(VerdictConfig(), "parallel mode's not-translations verdict")
    boilerplate: BoilerplateConfig = knob(BoilerplateConfig(), "boilerplate flags")

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


def split_options(text: str) -> list[str]:
    """ "max_bead=7, comparable.terms.name_widths=(2, 3)" -> one NAME=VALUE each: commas inside
    brackets belong to a tuple's value (the service's BITEXT_ALIGN_OPTIONS is one string)."""
    options, depth, start = [], 0, 0
    for at, char in enumerate(text):
        depth += (char in "([") - (char in ")]")
        if char == "," and depth <= 0:
            options.append(text[start:at])
            start = at + 1
    options.append(text[start:])
    return [option.strip() for option in options if option.strip()]


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
        new = _parse(value, current, name)
    return dataclasses.replace(section, **{path[0]: new})


def _parse(value: str, default, name: str):
    """`value` as the default's type; a tuple as a Python literal ("(2, 3)"); a knob whose
    default is not negative (all but fitted weights) refuses a negative value."""
    kind = type(default)
    if kind is bool:
        if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise InputError(f"alignment option {name}={value!r}: expected true or false")
        return value.lower() in ("true", "1", "yes")
    if kind is tuple:
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            parsed = None
        if not isinstance(parsed, tuple | list):
            raise InputError(f"alignment option {name}={value!r}: expected a tuple like {default}")
        return tuple(tuple(x) if isinstance(x, list) else x for x in parsed)
    try:
        parsed = kind(value)
    except ValueError:
        raise InputError(f"alignment option {name}={value!r}: expected a {kind.__name__}") from None
    if parsed < 0 <= default:
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
