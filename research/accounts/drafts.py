"""Unsent text on any staff page, kept server-side for its author: nothing typed is lost to a reload.

A page names each text box by a place (``"reply:<response id>"``, ``"memo:excerpt:<id>"``); the box sends
what is typed a moment after typing stops, :func:`keep_text` stores it exactly as typed for that person and
place, and :func:`kept_text` gives it back when the page is drawn again. Sending the form calls
:func:`forget_text`. A draft is its author's alone: only their own are ever read, and no export, analysis or
other page reads them. Interview notes have their own drafts (:mod:`interviews.drafts`), tied to consent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from research.accounts.users import account_id
from research.errors import FrontlineError
from research.store.engine import rows_changed
from research.store.models import User
from research.store.staff_drafts import StaffDraft

MAX_DRAFT_CHARS = 20_000
"""Longer than any staff text box takes (a reply, a memo, a description); a draft beyond it is refused."""
MAX_PLACE_CHARS = 160
MAX_DRAFTS = 500
"""Unsent drafts one account may keep at once: more boxes than anyone leaves half-typed, and a bound on what one
account (or a script holding its cookie) can store through ``/api/draft`` (at most 10 MB)."""


# Where pages keep the drafts an erasure must find again (a withdrawal, comment erasure): named here, once, for
# both the pages and the erasures.
CODING_BOXES = "coding"
"""The prefix of the coding form's kept boxes (:class:`frontline_ui.kept_text.KeptBoxes`)."""


def interview_memo_place(interview_id: int) -> str:
    return f"memo:interview:{interview_id}"


def excerpt_memo_place(excerpt_id: int) -> str:
    return f"memo:excerpt:{excerpt_id}"


def coding_words_box(note_id: int) -> str:
    """The coding form's "exact words" box for one note, under :data:`CODING_BOXES`."""
    return f"words_{note_id}"


def participant_boxes(participant_id: int) -> str:
    """The prefix of a participant's edit form's kept boxes."""
    return f"participant:{participant_id}"


def interview_boxes(interview_id: int) -> str:
    """The prefix of an interview's details form's kept boxes."""
    return f"interview:{interview_id}"


def coding_words_place(note_id: int) -> str:
    """Where :class:`frontline_ui.kept_text.KeptBoxes` keeps :func:`coding_words_box`."""
    return f"{CODING_BOXES}:{coding_words_box(note_id)}"


REPLIES = "reply:"


def reply_place(response_id: object, answer_id: object) -> str:
    return f"{REPLIES}{response_id}:{answer_id}"


def replied_response(place: str) -> str:
    """The response (as text) a reply box under :data:`REPLIES` answers."""
    return place.removeprefix(REPLIES).split(":", 1)[0]


def _check_place(place: str) -> str:
    if not isinstance(place, str) or not place or len(place) > MAX_PLACE_CHARS:
        raise ValueError(f"a draft place is 1 to {MAX_PLACE_CHARS} characters")  # a programming error
    return place


def keep_text(*, session: Session, username: str, place: str, body: str, keep_empty: bool = False) -> bool:
    """Keep ``body`` as ``username``'s unsent text at ``place``; True when a draft is now kept.

    Empty text is no draft: it discards any kept one instead, unless ``keep_empty`` (a box that edits stored
    text, where emptying it is the change, and a reload must not bring the stored text back).

    Raises:
        FrontlineError: not text, too long, no such account, or a new place beyond :data:`MAX_DRAFTS`.
    """
    if not isinstance(body, str):
        raise FrontlineError("A draft must be text.")
    if len(body) > MAX_DRAFT_CHARS:
        raise FrontlineError(f"This draft is {len(body):,} characters; at most {MAX_DRAFT_CHARS:,} are kept.")
    user_id = account_id(session=session, username=username, purpose="to keep a draft for")
    place = _check_place(place)
    if not body and not keep_empty:
        session.execute(delete(StaffDraft).where(StaffDraft.user_id == user_id, StaffDraft.place == place))
        return False
    for _ in range(2):  # two tabs keeping the same box at once: the second insert becomes an update
        draft = session.scalar(select(StaffDraft).where(StaffDraft.user_id == user_id, StaffDraft.place == place))
        if draft is None and session.scalars(select(func.count()).select_from(StaffDraft)
                                             .where(StaffDraft.user_id == user_id)).one() >= MAX_DRAFTS:
            raise FrontlineError(f"You already have {MAX_DRAFTS} unsent drafts kept on other pages; this text is "
                                 "still in the box, but is not kept until you send or clear some of them.")
        try:
            with session.begin_nested():
                if draft is None:
                    session.add(StaffDraft(user_id=user_id, place=place, body=body))
                else:
                    draft.body = body
            return True
        except IntegrityError:
            continue
    raise FrontlineError("The draft could not be kept just now; it is still in the box.")


def kept_text(*, session: Session, username: str, place: str) -> str | None:
    """``username``'s own unsent text at ``place``, or None; never anyone else's."""
    return session.scalar(select(StaffDraft.body).join(User, User.id == StaffDraft.user_id)
                          .where(User.username == username, StaffDraft.place == _check_place(place)))


def kept_texts(*, session: Session, username: str, prefix: str) -> dict[str, str]:
    """``username``'s own unsent texts at every place starting with ``prefix``, by place (one query per page)."""
    rows = session.execute(select(StaffDraft.place, StaffDraft.body).join(User, User.id == StaffDraft.user_id)
                           .where(User.username == username, StaffDraft.place.startswith(prefix, autoescape=True)))
    return {place: body for place, body in rows}


def forget_text(*, session: Session, username: str, place: str) -> None:
    """Discard ``username``'s draft at ``place``: the form it belongs to was sent."""
    forget_texts(session=session, username=username, places=[place])


def forget_texts(*, session: Session, username: str, places: Sequence[str]) -> None:
    """Discard ``username``'s drafts at every one of ``places`` (the boxes of one form that was sent)."""
    user_id = session.scalar(select(User.id).where(User.username == username))
    if user_id is not None and places:
        session.execute(delete(StaffDraft).where(StaffDraft.user_id == user_id,
                                                 StaffDraft.place.in_([_check_place(p) for p in places])))



def forget_everyones_drafts(*, session: Session, places: Sequence[str] = (), prefixes: Sequence[str] = (),
                            keep_place: Callable[[str], bool] | None = None) -> int:
    """Discard every author's drafts in boxes tied to what is being erased (a withdrawal, comment erasure).

    ``places`` are named boxes (``"memo:interview:7"``, ``"coding:words_12"``); every box under one of
    ``prefixes`` that ``keep_place`` does not keep goes too (``"participant:4:"``, or ``"reply:"`` keeping
    replies to comments that stay). Without this, such drafts outlived the erasure, and a new interview given a
    freed id opened on the old memo draft. Returns how many drafts went.
    """
    listed = [_check_place(p) for p in places]
    for prefix in prefixes:
        under = session.scalars(select(StaffDraft.place).where(StaffDraft.place.startswith(prefix, autoescape=True)))
        listed += [place for place in dict.fromkeys(under) if keep_place is None or not keep_place(place)]
    gone = 0
    for start in range(0, len(listed), 500):
        gone += rows_changed(session.execute(delete(StaffDraft).where(StaffDraft.place.in_(listed[start:start + 500]))))
    return gone


QUOTED_RUN = 5
"""Words of an erased comment in a row that make a draft's words a quote of it (or the whole of a shorter comment
of three words or more): long enough that a staff member's own sentence seldom matches by chance."""
ERASED_QUOTE = "[erased comment]"
_DRAFT_WORD = re.compile(r"\w+")


def forget_quotes_in_drafts(*, session: Session, texts: Iterable[str]) -> int:
    """Replace, in every author's drafts, the words quoted from the erased comments ``texts`` with
    :data:`ERASED_QUOTE`, keeping the rest of what they typed: a box tied to no comment (a new action's, a memo)
    may hold an erased comment pasted in (an insider review, 2026-12-07). Returns how many drafts changed."""
    return rewrite_quotes_in_drafts(session=session, texts=texts, rewrite=lambda _quote: ERASED_QUOTE)


def rewrite_quotes_in_drafts(*, session: Session, texts: Iterable[str], rewrite: Callable[[str], str]) -> int:
    """Put ``rewrite(quote)`` in place of each stretch of every author's drafts that quotes one of ``texts``
    (:data:`QUOTED_RUN` words in a row, or the whole of a shorter comment), keeping the rest of what they typed.
    Erasure puts a marker there; redacting comments again puts the quote redacted. Returns how many drafts
    changed."""
    runs: set[tuple[str, ...]] = set()
    for text in texts:
        words = tuple(w.lower() for w in _DRAFT_WORD.findall(text))
        if len(words) >= 3:
            runs |= {words[i:i + QUOTED_RUN] for i in range(max(1, len(words) - QUOTED_RUN + 1))}
    if not runs:
        return 0
    changed = 0
    for draft in session.scalars(select(StaffDraft)):
        body = _quotes_rewritten(draft.body, runs, rewrite)
        if body != draft.body:
            draft.body, changed = body, changed + 1
    return changed


def _quotes_rewritten(body: str, runs: set[tuple[str, ...]], rewrite: Callable[[str], str]) -> str:
    """``body`` with each stretch of words that is one of ``runs`` (or a chain of them) rewritten as one."""
    found = list(_DRAFT_WORD.finditer(body))
    words = [m.group(0).lower() for m in found]
    quoted = [False] * len(found)
    for size in sorted({len(r) for r in runs}):
        for i in range(len(words) - size + 1):
            if tuple(words[i:i + size]) in runs:
                quoted[i:i + size] = [True] * size
    pieces, last, i = [], 0, 0
    while i < len(found):
        if not quoted[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(found) and quoted[j + 1]:
            j += 1
        pieces += [body[last:found[i].start()], rewrite(body[found[i].start():found[j].end()])]
        last, i = found[j].end(), j + 1
    return "".join(pieces) + body[last:]
