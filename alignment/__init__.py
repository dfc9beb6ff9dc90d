"""Cross-lingual alignment: embed -> score -> search -> beads.

Encoders and their cache (embed, e5_torch, cache), run embeddings (runs), bead costs (score),
margin scoring (margin), path search (search), the two sentence-alignment modes (parallel,
comparable), document topic matching (topics) and evaluation against gold (evaluate).
"""

from alignment.beads import Bead, format_beads, read_beads
from alignment.comparable import align_comparable
from alignment.embed import Encoder, load_encoder
from alignment.evaluate import (
    GoldScores,
    TwoLevelScores,
    score_against_gold,
    score_documents,
    score_sure_possible,
)
from alignment.parallel import align_parallel
from alignment.topics import TopicMatch, rank_documents

__all__ = [
    "GoldScores",
    "Bead",
    "Encoder",
    "TopicMatch",
    "TwoLevelScores",
    "align_comparable",
    "align_parallel",
    "format_beads",
    "load_encoder",
    "rank_documents",
    "read_beads",
    "score_against_gold",
    "score_documents",
    "score_sure_possible",
]
