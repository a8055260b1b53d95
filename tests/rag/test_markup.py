"""Markdown shown as the words it shows (rag/text/markup.py)."""

import pytest

from rag.text import plain


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("on **Saturday 22 June 2024** on", "on Saturday 22 June 2024 on"),
        (
            "cost *15 pounds*; see [the office](https://example.org).",
            "cost 15 pounds; see the office.",
        ),
        ("run `rag serve` now", "run rag serve now"),
        ("**Additionally, a cut emphasis", "Additionally, a cut emphasis"),  # closed elsewhere
        ("2 * 3 = 6 and snake_case_name stay", "2 * 3 = 6 and snake_case_name stay"),
        ("Citations [1] and [2] stay", "Citations [1] and [2] stay"),
        ("a \\*literal\\* star", "a *literal* star"),
        ("no markup at all.", "no markup at all."),
    ],
)
def test_plain(text: str, shown: str) -> None:
    assert plain(text) == shown
