"""How common an English content word is in general text: a background document frequency.

Why: between two articles on one subject a term both use may be the domain's everyday
vocabulary ("political", "security", "risk") rather than a sign of a shared proposition
("moat", "Shanxi"). The within-pair specificity (alignment.terms) cannot see that when the term
is rare in the two documents; a general corpus can. The table counts, per stemmed content word
(alignment.lexicon.stem), the sentences of a background corpus that contain it.
"""

from __future__ import annotations

import os
from collections import Counter
from functools import lru_cache
from pathlib import Path

from alignment.lexicon import STOPWORDS, stem

BACKGROUND_ENV = "BITEXT_BACKGROUND"  # a text file, one sentence a line (experiment)


@lru_cache(maxsize=4)
def background_counts(path: str | None = None) -> tuple[Counter, int]:
    """(stem -> sentences containing it, sentences) of the background corpus; empty if none."""
    import re

    word = re.compile(r"[A-Za-z][A-Za-z']*")
    path = path or os.environ.get(BACKGROUND_ENV)
    counts: Counter = Counter()
    total = 0
    if not path:
        return counts, 0
    whole = os.environ.get("BITEXT_BACKGROUND_UNIT") == "doc"
    for name in path.split(":"):
        text = Path(name).read_text(encoding="utf-8")
        for line in [text] if whole else text.splitlines():
            total += 1
            counts.update(
                {stem(w) for w in word.findall(line) if len(w) > 1 and w.lower() not in STOPWORDS}
            )
    return counts, total
