"""Text boxes whose unsent text survives a reload or a page change: kept server-side, for their author only.

The box is drawn with the author's kept draft (see :mod:`research.accounts.drafts`), and
:func:`frontline_ui.draft_keeper.keep_typing` sends what is typed a moment after typing stops. The keeper is
mounted after the form (a widget with a callback may not sit inside one) and finds the box by its key.
After a send, :func:`research.accounts.drafts.forget_text` discards the draft in the same transaction as the act.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from frontline_ui import resources
from frontline_ui.draft_keeper import keep_typing
from frontline_ui.markdown import plain
from research.accounts.drafts import keep_text, kept_text, kept_texts
from research.errors import FrontlineError


def my_drafts(username: str, prefix: str) -> dict[str, str]:
    """``username``'s drafts at places starting with ``prefix``, read once for a page that draws many boxes."""
    with resources.db_read() as session:
        return kept_texts(session=session, username=username, prefix=prefix)


def kept_text_area(username: str, place: str, label: str, *, key: str, drafts: dict[str, str] | None = None,
                   **kwargs) -> str:
    """A text area named ``place`` for ``username``, opened on their kept draft (from ``drafts``, or read), with
    a note under it when it holds a draft or when typing could not be kept; its value. Call
    :func:`keep_while_typing` with the same key after the form it is in."""
    if drafts is None:
        with resources.db_read() as session:
            draft = kept_text(session=session, username=username, place=place)
    else:
        draft = drafts.get(place)
    value = st.text_area(label, value=draft or "", key=key, **kwargs)
    if error := st.session_state.pop(f"{key}_draft_error", None):
        st.error(error)
    elif draft is not None:
        st.caption("Your unsent draft, kept from before (only you see it).")
    return value


def keep_while_typing(username: str, place: str, *, key: str) -> None:
    """Send the text of the box keyed ``key`` to ``username``'s draft at ``place`` as it is typed."""
    keep_typing(key, partial(_keep, username, place, key))


def _keep(username: str, place: str, key: str, text: str) -> None:
    try:
        with resources.db_session() as session:
            keep_text(session=session, username=username, place=place, body=text)
    except FrontlineError as exc:
        st.session_state[f"{key}_draft_error"] = plain(exc)

