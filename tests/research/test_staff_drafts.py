"""Unsent text on staff pages kept per person and place: shown back exactly, theirs alone, gone once sent."""

import pytest
from sqlalchemy import delete, select

from research.accounts import create_user
from research.accounts.drafts import (
    MAX_DRAFT_CHARS,
    MAX_DRAFTS,
    forget_text,
    forget_texts,
    keep_text,
    kept_text,
    kept_texts,
)
from research.errors import FrontlineError
from research.store.models import User
from research.store.staff_drafts import StaffDraft

TYPED = "  We hear you:\r\n\tthe CRM fix <b>ships</b> in ‘March’  "


@pytest.fixture
def people(session):
    for name in ("ana", "ben"):
        create_user(session=session, username=name, role="researcher", password="a long password", actor="setup")
    session.flush()


def test_a_draft_comes_back_exactly_as_typed_to_its_author_only(session, people):
    assert keep_text(session=session, username="ana", place="reply:7", body=TYPED)
    keep_text(session=session, username="ben", place="reply:7", body="ben's own words")
    keep_text(session=session, username="ana", place="memo:excerpt:3", body="a memo")
    assert kept_text(session=session, username="ana", place="reply:7") == TYPED
    assert kept_text(session=session, username="ben", place="reply:7") == "ben's own words"
    assert kept_text(session=session, username="nobody", place="reply:7") is None
    assert kept_texts(session=session, username="ana", prefix="reply:") == {"reply:7": TYPED}
    keep_text(session=session, username="ana", place="reply:7", body=TYPED + " more")  # one row per place
    assert kept_text(session=session, username="ana", place="reply:7") == TYPED + " more"
    assert session.scalar(select(StaffDraft.id).where(StaffDraft.body == TYPED)) is None


def test_sending_or_emptying_the_box_discards_the_draft_and_touches_no_one_elses(session, people):
    keep_text(session=session, username="ana", place="reply:7", body=TYPED)
    keep_text(session=session, username="ben", place="reply:7", body="ben's own words")
    forget_text(session=session, username="ana", place="reply:7")
    assert kept_text(session=session, username="ana", place="reply:7") is None
    assert kept_text(session=session, username="ben", place="reply:7") == "ben's own words"
    assert not keep_text(session=session, username="ben", place="reply:7", body="")
    assert session.scalars(select(StaffDraft)).all() == []


def test_emptying_a_box_that_edits_stored_text_is_kept_as_an_empty_draft(session, people):
    keep_text(session=session, username="ana", place="code:tools:description", body="Old description")
    assert keep_text(session=session, username="ana", place="code:tools:description", body="", keep_empty=True)
    assert kept_text(session=session, username="ana", place="code:tools:description") == ""  # not None


def test_a_sent_form_discards_the_drafts_of_all_its_boxes_and_nothing_else(session, people):
    for place in ("study:new:title", "study:new:purpose", "code:new:name"):
        keep_text(session=session, username="ana", place=place, body="typed")
    keep_text(session=session, username="ben", place="study:new:title", body="ben's title")
    forget_texts(session=session, username="ana", places=["study:new:title", "study:new:purpose"])
    assert kept_texts(session=session, username="ana", prefix="") == {"code:new:name": "typed"}
    assert kept_text(session=session, username="ben", place="study:new:title") == "ben's title"


def test_a_prefix_with_wildcards_matches_only_itself(session, people):
    keep_text(session=session, username="ana", place="reply:7", body="one")
    keep_text(session=session, username="ana", place="replyX7", body="two")
    assert kept_texts(session=session, username="ana", prefix="reply_") == {}
    assert kept_texts(session=session, username="ana", prefix="reply%") == {}


def test_too_long_or_unknown_is_refused_and_keeps_nothing(session, people):
    with pytest.raises(FrontlineError, match="at most 20,000"):
        keep_text(session=session, username="ana", place="reply:7", body="x" * (MAX_DRAFT_CHARS + 1))
    with pytest.raises(FrontlineError, match="no such account"):
        keep_text(session=session, username="nobody", place="reply:7", body="text")
    with pytest.raises(FrontlineError, match="must be text"):
        keep_text(session=session, username="ana", place="reply:7", body=None)  # type: ignore[arg-type]
    assert session.scalars(select(StaffDraft)).all() == []


def test_one_account_keeps_at_most_max_drafts_and_can_still_update_them_and_others_are_unaffected(session, people):
    session.add_all([StaffDraft(user_id=session.scalar(select(User.id).where(User.username == "ana")),
                                place=f"memo:{n}", body="half a memo") for n in range(MAX_DRAFTS)])
    session.flush()
    with pytest.raises(FrontlineError, match=f"already have {MAX_DRAFTS} unsent drafts"):
        keep_text(session=session, username="ana", place="reply:7", body="one more")
    assert kept_text(session=session, username="ana", place="reply:7") is None
    assert keep_text(session=session, username="ana", place="memo:3", body="the memo, finished")  # a kept place
    assert keep_text(session=session, username="ben", place="reply:7", body="ben's own words")
    forget_text(session=session, username="ana", place="memo:4")
    assert keep_text(session=session, username="ana", place="reply:7", body="one more")  # room again


def test_deleting_an_account_deletes_its_drafts(session, people):
    keep_text(session=session, username="ana", place="reply:7", body=TYPED)
    session.execute(delete(User).where(User.username == "ana"))
    session.flush()
    assert session.scalars(select(StaffDraft)).all() == []


def test_only_the_words_quoted_from_an_erased_comment_leave_a_draft():
    from research.accounts.drafts import ERASED_QUOTE, _quotes_rewritten

    erased = ("the billing system crashed on me again today", "rota is unfair")
    runs = set()
    for text in erased:
        words = tuple(text.split())
        runs |= {words[i:i + 5] for i in range(max(1, len(words) - 4))}

    def erased_from(body):
        return _quotes_rewritten(body, runs, lambda _quote: ERASED_QUOTE)

    assert erased_from("Quote: 'The billing system crashed on me again today!' and more") == (
        "Quote: '[erased comment]!' and more")
    assert erased_from("Agents: ROTA IS UNFAIR.") == "Agents: [erased comment]."
    kept = "The billing system crashed twice; the rota is fair"
    assert erased_from(kept) == kept
