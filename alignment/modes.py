"""The two ways to align two documents, behind one call: the CLI, the service and corpus jobs
choose the mode by name and get beads back the same way."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

from alignment.config import DEFAULT_CONFIG, AlignConfig

if TYPE_CHECKING:  # the modes load numpy, the dictionary and pinyin: naming a mode does not
    from alignment.beads import Bead
    from alignment.embed import Encoder


class AlignMode(StrEnum):
    PARALLEL = "parallel"  # a translation: beads cover every sentence, in order
    COMPARABLE = "comparable"  # the same subject: only the sentences that say the same thing


def align_documents(
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    mode: AlignMode | str,
    encoder: Encoder,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    translations: Sequence[str] | None = None,
    src_flags: Sequence[str | None] | None = None,
    tgt_flags: Sequence[str | None] | None = None,
    config: AlignConfig = DEFAULT_CONFIG,
) -> list[Bead]:
    """`align_parallel` or `align_comparable`. translations: src's sentences machine-translated
    into tgt's language, one per sentence (both modes add a chrF signal).

    src_flags, tgt_flags: per sentence a boilerplate kind or None (text.boilerplate), as flagged
    at ingest; comparable mode never pairs a flagged sentence (it flags them itself when None).
    """
    from alignment.comparable import align_comparable
    from alignment.parallel import align_parallel

    if AlignMode(mode) is AlignMode.PARALLEL:
        return align_parallel(
            src,
            tgt,
            encoder=encoder,
            src_lang=src_lang,
            tgt_lang=tgt_lang,
            translations=translations,
            config=config,
        )
    return align_comparable(
        src,
        tgt,
        encoder=encoder,
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        src_flags=src_flags,
        tgt_flags=tgt_flags,
        translations=translations,
        config=config,
    )
