"""One typing slip apart: what the themes and redaction both read misspelt words with."""

from research.typos import NearWords, one_edit_apart


def test_one_slip_is_a_letter_added_dropped_changed_or_two_neighbours_swapped():
    assert one_edit_apart("salery", "salary") and one_edit_apart("groth", "growth")
    assert one_edit_apart("siobahn", "siobhan") and one_edit_apart("okafr", "okafor")
    assert not one_edit_apart("salry", "salaries") and not one_edit_apart("mnagr", "manager")


def test_near_words_are_the_known_words_one_slip_away_and_never_the_word_itself():
    near = NearWords(["okafor", "siobhan", "salary"])
    assert near.near("okafur") == ["okafor"] and near.near("siobahn") == ["siobhan"]
    assert near.near("okafor") == [] and near.near("okapi") == [] and not NearWords([])
