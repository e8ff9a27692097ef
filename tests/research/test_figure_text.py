

def test_a_count_takes_its_noun_in_the_right_number():
    from research.figure_text import counted

    assert [counted(n, "segment") for n in (0, 1, 2, 1200)] == ["0 segments", "1 segment", "2 segments",
                                                                 "1,200 segments"]
    assert counted(1, "reply", "replies") == "1 reply" and counted(3, "reply", "replies") == "3 replies"


def test_a_share_that_rounds_to_nothing_but_is_not_nothing_reads_under_one_percent():
    from research.figure_text import share_text

    assert [share_text(s) for s in (0.0, 0.004, 0.005, 0.006, 0.12, 1.0)] == ["0 %", "<1 %", "<1 %", "1 %", "12 %",
                                                                              "100 %"]
