"""Cross-lingual alignment: embed -> score -> search -> beads.

Encoders and their cache (embed, e5_torch, cache), run embeddings (runs), pair signals and bead
costs (containment, lexicon, mt, score), margin scoring (margin), path search (search), the two
sentence-alignment modes (parallel, comparable), document topic matching (topics), evaluation
against gold (evaluate), and every knob in one place (config).

Names load lazily, so importing `alignment.config` does not load numpy, the dictionary or pinyin.
"""

from importlib import import_module

_LAZY = {
    "AlignConfig": "alignment.config",
    "AlignMode": "alignment.modes",
    "Bead": "alignment.beads",
    "Encoder": "alignment.embed",
    "GoldScores": "alignment.evaluate",
    "TwoLevelScores": "alignment.evaluate",
    "TopicMatch": "alignment.topics",
    "align_comparable": "alignment.comparable",
    "align_documents": "alignment.modes",
    "align_parallel": "alignment.parallel",
    "format_beads": "alignment.beads",
    "load_encoder": "alignment.embed",
    "rank_documents": "alignment.topics",
    "read_beads": "alignment.beads",
    "score_against_gold": "alignment.evaluate",
    "score_documents": "alignment.evaluate",
    "score_sure_possible": "alignment.evaluate",
}

__all__ = list(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'alignment' has no attribute {name!r}")
