"""A comment is cut into its sentences, clauses and list items."""

from research.text_parts import parts_of


def test_a_comment_is_read_in_its_sentences_clauses_and_list_items_in_order():
    assert parts_of("Salary is low... no hike, bonus cut and my manager is rude. Shifts - awful!") == [
        "Salary is low", "no hike", "bonus cut", "my manager is rude", "Shifts", "awful"]
    assert parts_of("Brand name") == ["Brand name"]  # "and" inside a word does not cut it
    assert parts_of("ok, a, ..") == []
    assert len(parts_of("item, " * 1000)) == 12  # a pasted list costs a dozen embeddings, not a thousand
