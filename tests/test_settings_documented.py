"""Every setting is documented in the README's configuration table."""

from __future__ import annotations

from pathlib import Path

from crewboard.config import Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_setting_is_in_the_readme() -> None:
    text = README.read_text()
    missing = [name for name in Settings.model_fields
               if f"`CREWBOARD_{name.upper()}`" not in text]
    assert missing == []
