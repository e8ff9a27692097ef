"""Roster names that are words, typed in lower case: names where a person is spoken of, words elsewhere."""

import pytest

from research.privacy.redaction import Redactor

ROSTER = ["Tom Okafor", "Grace Ng", "Rose Hill", "Mark Price", "Will Young", "June Lee"]


@pytest.fixture(scope="module")
def redactor():
    return Redactor(ROSTER)


@pytest.mark.parametrize("typed, kept", [  # an insider review's, 2026-12-07, kept whole before
    ("tom never helps", "[name] never helps"),
    ("my manager grace", "my manager [name]"),
    ("the TL grace", "the TL [name]"),
    ("ask rose", "ask [name]"),
    ("mark is lazy", "[name] is lazy"),
    ("will is lazy", "[name] is lazy"),
    ("thanks will", "thanks [name]"),
    ("our lead will has no idea", "our lead [name] has no idea"),
    ("ask june about rotas", "ask [name] about rotas"),
    ("Okafor-Smith shouts", "[name] shouts"),
    ("ping tom_okafor", "ping [name]"),
    ("okafor2 on the rota", "[name] on the rota"),
    ("tokafor1 covered my shift", "[name] covered my shift"),
])
def test_a_lower_case_roster_name_spoken_of_as_a_person_is_redacted(redactor, typed, kept):
    assert redactor.redact(typed).text == kept


@pytest.mark.parametrize("typed", [
    "will we ever get a raise", "the system will never work", "the TL will help", "management will never listen",
    "the grace period is short", "handled it with grace", "the mark is wrong on my QA", "sales rose by 5%",
    "june was busy", "in june we had outages", "mark my words", "a follow-up e-mail about well-being",
    "agent2 covered", "young-looking staff",
])
def test_the_same_words_used_as_words_are_kept(redactor, typed):
    assert redactor.redact(typed).text == typed
