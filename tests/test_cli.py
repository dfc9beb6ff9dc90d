"""Conventions every `bitext` command shares."""

from __future__ import annotations

from importlib.metadata import version

import pytest

from service.cli import main


def test_version_is_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"bitext {version('bitext')}"
