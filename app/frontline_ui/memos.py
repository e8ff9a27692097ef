"""Removing one of your own memos, under a list of memos (notes page: an interview's; coding page: an excerpt's).

A memo added by mistake, or twice, could not be taken back, and went into every export (an outside walk).
Only its author may remove one, and only after ticking that they mean it, as a code's deletion asks.
"""

from __future__ import annotations

import streamlit as st

from frontline_ui import resources
from frontline_ui.forms import clear_form, flash, form_key
from frontline_ui.markdown import plain
from interviews.coding import own_memos, remove_memo
from research.errors import FrontlineError


def remove_own_memo(username: str, *, place: str, excerpt_id: int | None = None,
                    interview_id: int | None = None) -> None:
    """A form to remove one of ``username``'s memos on the excerpt or interview; nothing when they wrote none.
    ``place`` is the page's flash place, where the removal is confirmed."""
    with resources.db_session() as session:
        mine = own_memos(session=session, author=username, excerpt_id=excerpt_id, interview_id=interview_id)
    if not mine:
        return
    name = f"remove_memo_{'excerpt' if excerpt_id is not None else 'interview'}_{excerpt_id or interview_id}"
    with st.form(form_key(name)):
        chosen = st.selectbox("Remove one of your memos", list(mine), format_func=lambda memo_id: mine[memo_id],
                              index=None, placeholder="Choose one of your memos", key=f"{form_key(name)}_memo")
        sure = st.checkbox("Yes, remove this memo", key=f"{form_key(name)}_sure")
        if st.form_submit_button("Remove memo"):
            if chosen is None or not sure:
                st.error("Choose one of your memos and tick “Yes, remove this memo”; nothing was removed.")
                return
            try:
                with resources.db_session() as session:
                    remove_memo(session=session, memo_id=chosen, author=username)
            except FrontlineError as exc:
                st.error(plain(exc))
                return
            flash(place, plain(f"Removed your memo “{mine[chosen]}”."))
            clear_form(name)
            st.rerun()
