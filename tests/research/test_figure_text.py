

def test_a_count_takes_its_noun_in_the_right_number():
    from research.figure_text import counted

    assert [counted(n, "segment") for n in (0, 1, 2, 1200)] == ["0 segments", "1 segment", "2 segments",
                                                                 "1,200 segments"]
    assert counted(1, "reply", "replies") == "1 reply" and counted(3, "reply", "replies") == "3 replies"
