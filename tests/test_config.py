"""AlignConfig: every alignment knob in one place, changed by name, documented from the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from alignment.config import DEFAULT_CONFIG, AlignConfig, knob_table, split_options
from service.settings import Settings
from text.errors import InputError

DOCS = Path(__file__).resolve().parent.parent / "docs" / "alignment.md"


def test_the_docs_table_of_knobs_is_the_code_s() -> None:
    assert knob_table() in DOCS.read_text(encoding="utf-8")


def test_options_change_knobs_by_name_and_leave_the_rest() -> None:
    config = DEFAULT_CONFIG.replace_options(["max_bead=7", "weights.skip=0.8", "exact_runs=true"])
    assert (config.max_bead, config.weights.skip, config.exact_runs) == (7, 0.8, True)
    assert config.weights.many == DEFAULT_CONFIG.weights.many
    assert AlignConfig() == DEFAULT_CONFIG  # the default itself is untouched


def test_every_part_s_knobs_are_reached_by_name() -> None:
    config = DEFAULT_CONFIG.replace_options(
        [
            "comparable.k=3",
            "comparable.intercept=-4.5",
            "comparable.terms.name_widths=(2, 3, 4)",
            "comparable.calibration=((0, 0), (1, 0.9))",
            "topics.margin=2",
            "verdict.min_sentences=8",
            "boilerplate.title_chars=80",
        ]
    )
    assert config.comparable.k == 3 and config.comparable.intercept == -4.5
    assert config.comparable.terms.name_widths == (2, 3, 4)
    assert config.comparable.calibration == ((0, 0), (1, 0.9))
    assert (config.topics.margin, config.verdict.min_sentences) == (2.0, 8)
    assert config.boilerplate.title_chars == 80
    assert "| `comparable.terms.name_widths` | (2, 3) |" in knob_table()


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("max_bead", "expected NAME=VALUE"),
        ("no_such_knob=1", "unknown alignment option 'no_such_knob'; the options are: max_bead"),
        ("weights=1", "is a section"),
        ("max_bead.x=1", "has no fields"),
        ("max_bead=five", "expected a int"),
        ("weights.skip=-1", "must not be negative"),
        ("exact_runs=maybe", "expected true or false"),
        ("comparable.terms.name_widths=2x", "expected a tuple like"),
        ("comparable.k=-1", "must not be negative"),
    ],
)
def test_a_bad_option_is_one_clear_error(option: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace(".", r"\.").replace("(", r"\(")):
        DEFAULT_CONFIG.replace_options([option])


def test_the_service_reads_options_from_the_environment() -> None:
    settings = Settings.from_env({"BITEXT_ALIGN_OPTIONS": "max_bead=4, weights.mt=0.3"})
    assert settings.align.max_bead == 4 and settings.align.weights.mt == 0.3
    tuples = "comparable.terms.name_widths=(2, 3, 4),comparable.calibration=[[0, 0], [1, 1]],k=x"
    assert split_options(tuples) == [
        "comparable.terms.name_widths=(2, 3, 4)",
        "comparable.calibration=[[0, 0], [1, 1]]",
        "k=x",
    ]
    settings = Settings.from_env({"BITEXT_ALIGN_OPTIONS": tuples.rpartition(",")[0]})
    assert settings.align.comparable.terms.name_widths == (2, 3, 4)
    assert settings.align.comparable.calibration == ((0, 0), (1, 1))
    assert Settings.from_env({}).align == DEFAULT_CONFIG
