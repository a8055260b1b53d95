"""Sentence spans: the unit every quote, claim and citation is cut along."""

from rag.text import sentence_spans, split_sentences, stops_mid_sentence


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_lines_split_first_and_list_marks_are_left_out() -> None:
    text = "# Overall reactions\n- Many find it engaging. Others do not.\n1. A numbered point."
    assert _sentences(text) == [
        "Overall reactions",
        "Many find it engaging.",
        "Others do not.",
        "A numbered point.",
    ]


def test_a_sentence_goes_on_across_a_paragraph_break_inside_it() -> None:
    text = (
        "But the reason we do the generalist\n\ntraining is just so that the network can "
        "understand us. Then we specialise."
    )
    spans = sentence_spans(text)
    assert _sentences(text) == [
        "But the reason we do the generalist\n\ntraining is just so that the network can "
        "understand us.",
        "Then we specialise.",
    ]
    assert all(text[s:e] == t for (s, e), t in zip(spans, _sentences(text), strict=True))


def test_a_finished_line_a_heading_or_a_capital_starts_anew() -> None:
    assert _sentences("It ends here.\n\nlower case goes on alone.") == [
        "It ends here.",
        "lower case goes on alone.",
    ]
    assert _sentences("## A heading\nmore text follows.") == ["A heading", "more text follows."]
    assert _sentences("A title line\n\nThe body starts.") == ["A title line", "The body starts."]
    assert _sentences("- a bullet that wraps\n  onto the next line.") == [
        "a bullet that wraps\n  onto the next line."
    ]


def test_stops_mid_sentence() -> None:
    assert stops_mid_sentence("the reason we do the generalist\n")
    assert stops_mid_sentence("first, second,")
    assert not stops_mid_sentence("It ends here.")
    assert not stops_mid_sentence("Body.\n## A heading")
    assert not stops_mid_sentence("")


def test_no_sentence_starts_with_a_semicolon_after_an_abbreviation() -> None:
    """pysbd ends a sentence at "Co." before ";": the row goes on, and is one sentence."""
    row = "Name: Tobias Lindqvist; Company: Nordic Honey Co.; Country: Sweden; Contact: t@x.se."
    assert split_sentences(f"{row}\nNext line. Another one.") == [
        row,
        "Next line.",
        "Another one.",
    ]
