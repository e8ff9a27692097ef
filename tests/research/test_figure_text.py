

def test_a_count_takes_its_noun_in_the_right_number():
    from research.figure_text import counted

    assert [counted(n, "segment") for n in (0, 1, 2, 1200)] == ["0 segments", "1 segment", "2 segments",
                                                                 "1,200 segments"]
    assert counted(1, "reply", "replies") == "1 reply" and counted(3, "reply", "replies") == "3 replies"


def test_a_share_that_rounds_to_nothing_but_is_not_nothing_reads_under_one_percent():
    from research.figure_text import share_text

    assert [share_text(s) for s in (0.0, 0.004, 0.005, 0.006, 0.12, 1.0)] == ["0 %", "<1 %", "<1 %", "1 %", "12 %",
                                                                              "100 %"]


def test_a_clipped_text_ends_at_a_word_and_says_it_was_cut():
    from research.figure_text import clipped

    assert clipped("short enough") == "short enough"
    cut = clipped("we pay for taxis ourselves because the last bus leaves before our shift ends", 40)
    assert cut == "we pay for taxis ourselves because the …" and len(cut) <= 40
