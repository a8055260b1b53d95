"""The marker contract on crafted model outputs: valid, out of range, malformed, duplicated."""

from rag.answer.citations import Claim, claims, drop_invalid, normalize_markers


def test_valid_markers_attach_to_their_sentences() -> None:
    text = "Trees win on tables [1]. Nets win on images [2][3]. Both matter."
    assert claims(text) == [
        Claim("Trees win on tables.", (1,)),
        Claim("Nets win on images.", (2, 3)),
        Claim("Both matter.", ()),
    ]


def test_marker_after_the_full_stop_belongs_to_the_sentence_before() -> None:
    assert claims("Trees win. [2] Nets lose. [1][3]") == [
        Claim("Trees win.", (2,)),
        Claim("Nets lose.", (1, 3)),
    ]


def test_out_of_range_markers_are_removed_and_reported() -> None:
    text, dropped = drop_invalid("A claim [1][7]. Another [0]. Last [3].", passages=3)
    assert text == "A claim [1]. Another. Last [3]."
    assert dropped == [7, 0]


def test_malformed_variants_are_normalized() -> None:
    assert normalize_markers("X [1, 2]. Y [Passage 3]. Z 【4】. W [^5]. V [2 and 3].") == (
        "X [1][2]. Y [3]. Z [4]. W [5]. V [2][3]."
    )


def test_other_brackets_are_left_alone() -> None:
    text = "See [the paper] and [a, b] or list[int]."
    assert normalize_markers(text) == text
    assert drop_invalid(text, 3) == (text, [])


def test_duplicated_markers_count_once() -> None:
    assert claims("Same source twice [2][2] and again [2].") == [
        Claim("Same source twice and again.", (2,))
    ]


def test_a_marker_that_opens_a_line_cites_that_line() -> None:
    from rag.answer.citations import claims

    text = "Neural nets dominate unstructured data.\n[1] Trees win on tabular data."
    assert [(c.text, c.markers) for c in claims(text)] == [
        ("Neural nets dominate unstructured data.", ()),
        ("Trees win on tabular data.", (1,)),
    ]
    same_line = "Neural nets dominate unstructured data. [2] Trees win on tabular data [1]."
    assert [c.markers for c in claims(same_line)] == [(2,), (1,)]


def test_a_sentence_that_says_nothing_is_not_a_claim() -> None:
    from rag.answer.citations import claims

    for empty in (
        "The answer to the question is: [1].",
        "Based on the passages, the answer is as follows. [2]",
        "Also see [3].",
        "In short:",
    ):
        assert claims(empty) == [], empty
    assert [c.text for c in claims("In 2012 [1].")] == ["In 2012."]
