"""Roster names that are words, typed in lower case: names where a person is spoken of, words elsewhere."""

import pytest

from research.privacy.redaction import Redactor

ROSTER = ["Tom Okafor", "Grace Ng", "Rose Hill", "Mark Price", "Will Young", "June Lee", "Carol Young", "Bill Jones"]


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
    # a second insider review's, 2026-12-07
    ("i spoke to grace about it", "i spoke to [name] about it"),
    ("talk to mark, he never listens", "talk to [name], he never listens"),
    ("and tom never helps anyone", "and [name] never helps anyone"),
    ("the escalation went to will", "the escalation went to [name]"),
    ("me and grace are fed up", "me and [name] are fed up"),
    ("grace's coaching is great", "[name]'s coaching is great"),
    ("carol from wfm denied my swap", "[name] from wfm denied my swap"),
    ("ms young is a bully", "ms [name] is a bully"),
    ("my manager hill", "my manager [name]"),
    ("young is a bully", "[name] is a bully"),  # a third insider review's
    ("and hill never listens", "and [name] never listens"),
    ("T0m 0kafor never helps", "[name] never helps"),
    ("gr@ce is rude", "[name] is rude"),
    ("ask r0se", "ask [name]"),
    ("T.O. never helps", "[name] never helps"),
    ("b. j. shouted", "[name] shouted"),
    # a fifth insider review's: what a reader sees is a roster name
    ("T\u034fom O\u034fkafor never helps", "[name] never helps"),
    ("Oka\U000e0041for and Oka\u200efor and Oka\u202afor and Oka\u17b4for", "[name] and [name] and [name] and [name]"),
    ("our lead \u202erofakO moT\u202c shouts at us", "our lead [name] shouts at us"),
    ("O\u0336k\u0336a\u0336f\u0336o\u0336r\u0336 shouts", "[name] shouts"),
    ("\u24aa\u24a6\u249c\u24a1\u24aa\u24ad shouts", "[name] shouts"),
    ("Oka\U0001f642for shouts", "[name] shouts"),
    ("ask \u1d1b\u1d0f\u1d0d \u1d0f\u1d0b\u1d00\ua730\u1d0f\u0280 about it", "ask [name] about it"),
    ("O*k*a*f*o*r and O/k/a/f/o/r shout", "[name] and [name] shout"),
    ("O. K. A. F. O. R. shouts", "[name] shouts"),
])
def test_a_lower_case_roster_name_spoken_of_as_a_person_is_redacted(redactor, typed, kept):
    assert redactor.redact(typed).text == kept


@pytest.mark.parametrize("typed", [
    "will we ever get a raise", "the system will never work", "the TL will help", "management will never listen",
    "the grace period is short", "handled it with grace", "the mark is wrong on my QA", "sales rose by 5%",
    "june was busy", "in june we had outages", "mark my words", "a follow-up e-mail about well-being",
    "agent2 covered", "young-looking staff",
    "Will we ever get a raise?", "Mark my words", "my QA mark is too low", "the pass mark is 80%",
    "free will is an illusion", "the customer's bill is too high", "we have to mark every call",
    "my manager will never listen", "young agents leave",
    "5am start, 1st shift, 40s", "covid19 again", "e.g. the TL", "the p.m. shift", "Q.A. marks", "3x a day",
    "a/b testing", "w/o a break", "T&C apply", "the A/C is broken", "I'm OK with 10 or 20",
])
def test_the_same_words_used_as_words_are_kept(redactor, typed):
    assert redactor.redact(typed).text == typed
