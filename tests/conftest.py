"""Session fixtures shared by every test: tiny MarianMT model directories built from the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest


def _build(tmp_path_factory: pytest.TempPathFactory, source: str, target: str) -> Path:
    # Imported here so test files that need no model do not pay for importing torch.
    from tiny_model import build_tiny_marian  # tests/ is on sys.path (rootdir conftest)

    return build_tiny_marian(tmp_path_factory.mktemp(f"tiny-{source}-{target}"), source, target)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random zh→en Marian model saved with save_pretrained (tokenizer included)."""
    return _build(tmp_path_factory, "zh", "en")


@pytest.fixture(scope="session")
def tiny_model_en_zh_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same, reversed: en→zh."""
    return _build(tmp_path_factory, "en", "zh")
