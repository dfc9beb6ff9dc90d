"""align-corpus's manifest and its one step, the same in this process and in Ray: a manifest
pair read, aligned and formatted exactly as `bitext align` does it (`read_sentences`,
`align_documents`, `format_beads`), so `{id}.align` holds the beads `bitext align` prints."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from alignment.modes import AlignMode
from text.errors import InputError
from text.files import read_nonempty, read_sentences
from text.language import check_language

if TYPE_CHECKING:  # numpy, torch and the dictionary load with the encoder
    from alignment.beads import Bead
    from alignment.config import AlignConfig
    from alignment.embed import Encoder
    from models.translator import Translator
    from service.settings import Settings

Translators = Mapping[tuple[str, str], "Translator"]  # (source, target language) -> model

EXTRA_FORMATS = ("tmx", "jsonl")  # besides {id}.align, when asked
REQUIRED = ("id", "src", "tgt", "src_lang", "tgt_lang")
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")  # names files in OUTPUT_DIR


@dataclass(frozen=True)
class ManifestPair:
    id: str
    src: str  # paths as given, relative ones resolved against the manifest's folder
    tgt: str
    src_lang: str
    tgt_lang: str
    mode: str = AlignMode.PARALLEL.value
    presplit: bool = False

    def row(self) -> dict[str, Any]:
        return asdict(self)


def read_manifest(path: Path) -> list[ManifestPair]:
    """Every pair of MANIFEST, checked before any work: one bad line is an InputError naming it."""
    pairs = []
    for number, line in enumerate(read_nonempty(path).splitlines(), 1):
        if line.strip():
            pairs.append(_pair(line, path, number))
    ids = [pair.id for pair in pairs]
    if len(set(ids)) != len(ids):
        twice = sorted({i for i in ids if ids.count(i) > 1})
        raise InputError(f"{path}: ids used twice: {', '.join(twice)}")
    return pairs


def _pair(line: str, manifest: Path, number: int) -> ManifestPair:
    where = f"{manifest} line {number}"
    try:
        fields = json.loads(line)
    except ValueError as error:
        raise InputError(f"{where}: not JSON ({error})") from None
    if not isinstance(fields, dict):
        raise InputError(f"{where}: expected a JSON object")
    missing = [name for name in REQUIRED if name not in fields]
    if missing:
        raise InputError(f"{where}: no {', '.join(repr(name) for name in missing)} field")
    unknown = set(fields) - {*REQUIRED, "mode", "presplit"}
    if unknown:
        raise InputError(f"{where}: unknown fields {', '.join(sorted(unknown))}")
    pair_id = str(fields["id"])
    if not _SAFE_ID.fullmatch(pair_id):
        raise InputError(f"{where}: id {pair_id!r} cannot name a file (letters, digits, . _ -)")
    for name in ("src_lang", "tgt_lang"):
        try:
            check_language(fields[name])
        except InputError as error:
            raise InputError(f"{where}: {name}: {error}") from None
    if fields["src_lang"] == fields["tgt_lang"]:
        raise InputError(f"{where}: src_lang and tgt_lang must differ (one zh, one en)")
    mode = fields.get("mode", AlignMode.PARALLEL.value)
    if mode not in list(AlignMode):
        raise InputError(f"{where}: mode {mode!r}: use parallel or comparable")
    if not isinstance(fields.get("presplit", False), bool):
        raise InputError(f"{where}: presplit is true or false")
    paths = []
    for name in ("src", "tgt"):
        document = manifest.parent / str(fields[name])
        if not document.is_file():
            raise InputError(f"{where}: {name} {document}: no such file")
        paths.append(str(document))
    return ManifestPair(
        pair_id, *paths, fields["src_lang"], fields["tgt_lang"], mode, fields.get("presplit", False)
    )


class Directed(Protocol):
    """A document pair with its languages: a manifest's, or `bitext align`'s."""

    src_lang: str
    tgt_lang: str


def directions(pairs: Sequence[Directed]) -> list[tuple[str, str]]:
    """The translation directions the pairs' sources need, for --mt."""
    return sorted({(pair.src_lang, pair.tgt_lang) for pair in pairs})


def load_translators(settings: Settings, needed: Sequence[tuple[str, str]]) -> Translators:
    """--mt: the configured model of each direction, loaded once (a missing one is an error
    that says what to do, before any pair is aligned)."""
    from service.cli.engine import load_model

    return {(source, target): load_model(settings, source, target) for source, target in needed}


def translated(
    translators: Translators | None, sentences: list[str], src_lang: str, tgt_lang: str
) -> list[str] | None:
    """--mt: the sentences machine-translated by the direction's model (None without --mt)."""
    if translators is None:
        return None
    return [t.text for t in translators[(src_lang, tgt_lang)].translate_batch(sentences)]


def align_pair(
    encoder: Encoder,
    pair: ManifestPair,
    config: AlignConfig,
    formats: Sequence[str] = (),
    translators: Translators | None = None,
) -> dict[str, str]:
    """The pair's output files, name to text: `{id}.align`, then `{id}.tmx` / `{id}.jsonl`.
    With `translators` (--mt), the source is translated and compared by chrF, as `bitext
    align --mt` does."""
    from alignment.beads import format_beads
    from alignment.modes import align_documents

    src = read_sentences(pair.src, pair.src_lang, presplit=pair.presplit)
    tgt = read_sentences(pair.tgt, pair.tgt_lang, presplit=pair.presplit)
    translations = translated(translators, src, pair.src_lang, pair.tgt_lang)
    beads = align_documents(
        src,
        tgt,
        mode=pair.mode,
        encoder=encoder,
        src_lang=pair.src_lang,
        tgt_lang=pair.tgt_lang,
        translations=translations,
        config=config,
    )
    langs = {"src_lang": pair.src_lang, "tgt_lang": pair.tgt_lang}
    files = {f"{pair.id}.align": format_beads(beads, "vecalign", src, tgt, **langs)}
    for fmt in formats:
        writer = _tmx if fmt == "tmx" else partial(format_beads, fmt=fmt)
        files[f"{pair.id}.{fmt}"] = writer(beads, src=src, tgt=tgt, **langs)
    return files


def _tmx(
    beads: Sequence[Bead], *, src: list[str], tgt: list[str], src_lang: str, tgt_lang: str
) -> str:
    """The beads that pair sentences, as the service's TMX writes them."""
    from service.exports import TranslationUnit, tmx
    from text.segment import join_sentences

    units = (
        TranslationUnit(
            number,
            join_sentences([src[i] for i in bead.source], src_lang),
            join_sentences([tgt[j] for j in bead.target], tgt_lang),
            tgt_lang,
            bead.score,
            bead.grade,
        )
        for number, bead in enumerate((b for b in beads if b.source and b.target), 1)
    )
    return tmx(units, src_lang)


def align_rows(
    encoder: Encoder,
    rows: Sequence[Mapping[str, Any]],
    config: AlignConfig,
    formats: Sequence[str] = (),
    translators: Translators | None = None,
) -> list[dict[str, str | None]]:
    """Pair rows to {"id", "files" (JSON: name to text), "error"}: a pair that cannot be read
    or aligned is reported, and the others go on."""
    done = []
    for row in rows:
        pair = ManifestPair(**row)
        try:
            files = json.dumps(align_pair(encoder, pair, config, formats, translators))
            error = None
        except Exception as failure:  # noqa: BLE001 - one pair's failure is reported, not fatal
            files, error = None, f"{type(failure).__name__}: {failure}"
        done.append({"id": pair.id, "files": files, "error": error})
    return done
