"""The text layer, below every other package: segmentation, language detection, the errors
a user can act on, and reading the files users name. It imports nothing heavy (no torch)."""

from text.errors import BitextError, InputError, ModelUnavailable
from text.files import read_text
from text.language import detect_language, han_share, other_language
from text.segment import join_sentences, split_clauses, split_lines, split_sentences

__all__ = [
    "BitextError",
    "InputError",
    "ModelUnavailable",
    "detect_language",
    "han_share",
    "join_sentences",
    "other_language",
    "read_text",
    "split_clauses",
    "split_lines",
    "split_sentences",
]
