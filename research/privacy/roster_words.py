"""A roster name that is also an English word, typed in lower case, is a name where the words beside it say a
person is meant.

"will", "grace", "mark", "rose" and "tom" are colleagues on a roster and words elsewhere, so alone they are
matched only with a capital ("Will", not "will": "will we get a raise" keeps its word). But agents type names
in lower case on a phone, and insider reviews (2026-12-07) had "tom never helps", "my manager grace", "ask
rose", "will is lazy", "and tom never helps", "spoke to grace about it" and "grace's coaching" kept whole. So
lower case counts too after a role, a title or an asking verb ("the TL grace", "ask rose"); at the start of a
sentence or a clause, before a verb that follows a person ("will is lazy", "me and grace are", "tom never
helps"), never after a determiner or a possessive ("the mark is wrong", "the customer's bill is", "my QA mark
is" keep their words); after "to" at the end of its phrase; and with "'s". A roster surname that is a word
("hill", "young") counts after a role, a title or a cue ("ms young", "ask hill"), and at a clause's start before a
person's verb ("marsh is a bully": an insider review's, kept whole before; "hill is steep" with a Hill on the
roster loses its word, the price of the promise).
"""

from __future__ import annotations

from collections.abc import Callable

CUES_BEFORE = frozenset("ask asked tell told thanks thank cheers ta done congrats congratulations welcome hi hey "
                        "named called cc ping message emailed messaged".split())
PERSON_AFTER = frozenset("""
is was isn't wasn't isnt wasnt are were has had hasn't hadn't says said told tells asks asked keeps kept gets got
does did doesn't didn't doesnt didnt won't wont helped helps treats treated ignores ignored shouted shouts yelled
screamed snapped refuses refused approves approved denied denies blamed blames lied promised forgot from
covered swapped laughed laughs yells knows thinks needs should shouldnt sits takes took gave gives wants talks
acts favours favors picks moans rang emailed messaged sorted explained fixed showed made
""".split())
OPENING_AFTER = frozenset("never always just still really also finally".split())
CLAUSE_STARTS = frozenset("and n but so because cos coz then or when while if that since until honestly tbh ngl "
                          "also plus now well sadly apparently frankly seriously".split())
"""Words after which a new clause, and so a subject, begins: "and tom never helps", "me and grace are", "me n
faith", "honestly dean is the reason"."""
AFTER_TO = frozenset("about and but for he she they who today yesterday again".split())
"""After "to", words that end the phrase a person closes: "spoke to grace about it", "talk to mark, he never
listens", "thanks to lee for covering" ("we have to mark every call" keeps its verb)."""
MODALS = frozenset("will may can must".split())
"""Names that are also modal verbs: "the TL will help" and "my manager will never listen" keep their word, so
after a role these are names only at the end of a clause ("ask will", "thanks will")."""
MONTHS = frozenset("april may june august".split())
"""Names that are also months: "june was busy" keeps its month; only a role or cue before makes them names."""


def spoken_of(word: str, before: str | None, after: str | None, *, roles: frozenset[str],
              determiners: frozenset[str], possessive: bool = False, surname: bool = False,
              cued_only: bool = False) -> bool:
    """Whether the lower-case roster ``word`` between ``before`` and ``after`` (lower case; None at a sentence's
    edge) names the person: ``roles`` are words put before a person ("manager", "mr"), ``determiners`` words
    that make what follows a thing ("the", "a", "my"; a caller passes one for a possessive before: "the
    customer's bill is"). ``possessive``: the word itself takes "'s" ("grace's coaching"). A ``surname`` that
    is a word ("hill", "young") is a name only after a role, a title or a cue ("ms young", "ask hill"), or at a
    clause's start before a person's verb ("marsh is a bully"). ``cued_only``: a name only after a role, a title
    or a cue (a first name that is a word and on no roster: "ask bill", "my manager frank")."""
    if before in determiners:
        return False
    ends = after is None or after in PERSON_AFTER
    if before in CUES_BEFORE:  # a first name on no roster needs its phrase to end: "ask frank questions" is a word
        return (word not in MODALS or ends) and (not cued_only or ends or after in AFTER_TO)
    if before in roles:
        return surname or ends or (after in OPENING_AFTER and word not in MODALS)
    if cued_only:
        return False
    opens = before is None or before in CLAUSE_STARTS
    if surname:
        return opens and (after in PERSON_AFTER or after in OPENING_AFTER or possessive)
    if word in MONTHS:
        return False
    if before == "to":
        return after is None or (word not in MODALS and after in AFTER_TO)
    return possessive or (opens and (after in PERSON_AFTER or (after in OPENING_AFTER and word not in MODALS)))


def login_forms(parts: list[str], is_word: Callable[[str], bool]) -> set[str]:
    """How a roster name is run together as a login or handle: "tokafor", "tomokafor" for Tom Okafor (first and
    last part; at least six letters, or five that are no word ("pshah", an insider review's), so short runs that
    are words stay words)."""
    if len(parts) < 2:
        return set()
    first, last = parts[0], parts[-1]
    return {form for form in (first[0] + last, first + last, last + first[0])
            if len(form) >= 6 or (len(form) == 5 and not is_word(form))}


def in_compound(key: str, parts: set[str], logins: set[str]) -> bool:
    """Whether a token joined by hyphens or underscores, or ending in digits, holds a roster name: "Okafor-Smith",
    "tom_okafor", "okafor2", "tokafor1" (an insider review's, kept whole before). ``parts`` are the roster parts
    matched alone in any case, ``logins`` the :func:`login_forms` of the roster's names."""
    bare = key.rstrip("0123456789")
    pieces = [p for p in bare.replace("_", "-").split("-") if p]
    if not pieces or (len(pieces) == 1 and bare == key and bare not in logins):
        return False
    return any(p in parts or p in logins for p in pieces) or "".join(pieces) in logins
