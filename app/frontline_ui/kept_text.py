"""Text boxes whose unsent text survives a reload or a page change: kept server-side, for their author only.

The box is drawn with the author's kept draft (see :mod:`research.accounts.drafts`), and
:func:`frontline_ui.draft_keeper.keep_typing` sends what is typed a moment after typing stops. The keeper is
mounted after the form (a widget with a callback may not sit inside one) and finds the box by its key.
After a send, :func:`research.accounts.drafts.forget_text` discards the draft in the same transaction as the act.
:class:`KeptBoxes` does all three for the typed boxes of one form; :func:`kept_text_area` and
:func:`keep_while_typing` serve pages that draw many forms of one kind from drafts read once.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from frontline_ui import resources
from frontline_ui.draft_keeper import keep_typing
from frontline_ui.forms import is_current
from frontline_ui.markdown import plain
from research.accounts.drafts import forget_texts, keep_text, kept_text, kept_texts
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
    return _box(st.text_area, label, key=key, saved="", draft=draft, kwargs=kwargs,
                note="Your unsent draft, kept from before (only you see it).")


def opened_on(key: str, saved: str, draft: str | None) -> tuple[str, bool]:
    """What the box keyed ``key`` opens on (its draft, else ``saved``) and whether it holds a draft, both fixed
    while the box is on screen (see :func:`_box`). Call it before drawing the box."""
    pinned = st.session_state.get(f"{key}_opened")
    if pinned is None or key not in st.session_state:
        pinned = st.session_state[f"{key}_opened"] = (saved if draft is None else draft,
                                                      draft is not None and draft != saved)
    return pinned


def _box(widget, label: str, *, key: str, saved: str, draft: str | None, note: str, kwargs: dict) -> str:
    """Draw a kept box; its value.

    What the box opens on, and whether it carries the draft note, are fixed while the box is on screen: the
    draft kept while the user types must not add a note that moves the form under their cursor, nor change
    the box's default, which would redraw it and drop text not yet sent. A box drawn anew (the page opened
    again, after Streamlit dropped the box's state) opens on the newest draft.
    """
    opened, noted = opened_on(key, saved, draft)
    value = widget(label, value=opened, key=key, **kwargs)
    if error := st.session_state.pop(f"{key}_draft_error", None):
        st.error(error)
    elif noted:
        st.caption(note)
    return value


def keep_while_typing(username: str, place: str, *, key: str, form: str | None = None,
                      keep_empty: bool = False) -> None:
    """Send the text of the box keyed ``key`` to ``username``'s draft at ``place`` as it is typed.

    With ``form`` (the :func:`frontline_ui.forms.form_key` the box was drawn in), text that arrives after that
    form was sent is dropped: a send from the browser can land just after the save that discarded the draft,
    and would bring back a participant just added as an "unsent draft" (and rerun away the confirmation).
    """
    keep_typing(key, partial(_keep, username, place, key, form, keep_empty), in_form=True, place=place,
                keep_empty=keep_empty)


def _keep(username: str, place: str, key: str, form: str | None, keep_empty: bool, text: str) -> None:
    if form is not None and not is_current(form):
        return
    try:
        with resources.db_session() as session:
            keep_text(session=session, username=username, place=place, body=text, keep_empty=keep_empty)
    except FrontlineError as exc:
        st.session_state[f"{key}_draft_error"] = plain(exc)


class KeptBoxes:
    """The typed boxes of one form, each kept as its author's draft at ``<prefix>:<name>`` until the form is sent.

    Draw the boxes inside the form with :meth:`text_area` and :meth:`text_input`; call :meth:`keep` after the
    form (a keeper has a callback, which a form may not hold) and :meth:`forget` in the transaction that saves.
    A box opens on its draft when one is kept, else on ``saved`` (the stored text it edits, if any).
    """

    def __init__(self, username: str, prefix: str, form: str) -> None:
        self.username, self.prefix, self.form = username, prefix, form
        self._drafts = my_drafts(username, f"{prefix}:")
        self._names: list[str] = []
        self._editing: set[str] = set()  # boxes opened on stored text: emptying one is a draft too
        self._choices: list[str] = []

    def text_area(self, label: str, name: str, *, saved: str = "", where=st, **kwargs) -> str:
        """A kept multi-line box; its value."""
        return self._box(where.text_area, label, name, saved, kwargs)

    def text_input(self, label: str, name: str, *, saved: str = "", where=st, **kwargs) -> str:
        """A kept one-line box; its value."""
        return self._box(where.text_input, label, name, saved, kwargs)

    def keep(self) -> None:
        """Send each box's text to its draft as it is typed; keep what a refused submit sent.

        Pressing the form's button sends the text with the form instead of as a draft. When the save is
        refused (a bad line, an owner left out), the run goes on to here rather than rerunning: a box whose
        value differs from what it opened on, and from its draft, holds that sent text, kept now so that a
        reload while fixing it brings it back.
        """
        for name in self._names:
            key, place = f"{self.form}_{name}", f"{self.prefix}:{name}"
            sent, opened = st.session_state.get(key), st.session_state.get(f"{key}_opened", (None,))[0]
            if isinstance(sent, str) and sent != opened and sent != self._drafts.get(place):
                _keep(self.username, place, key, self.form, name in self._editing, sent)
            keep_while_typing(self.username, place, key=key, form=self.form, keep_empty=name in self._editing)

    def holds_draft(self, start: str = "") -> bool:
        """Whether a draft is kept for a box whose name starts with ``start`` (any box by default): a folded
        section holding one is drawn open, so the draft is seen rather than waiting out of sight."""
        return any(place.startswith(f"{self.prefix}:{start}") for place in self._drafts)

    def kept_choice(self, name: str) -> str | None:
        """The choice (a theme, say) kept beside the boxes by :meth:`keep_choice`, or None."""
        self._choices.append(name)
        return self._drafts.get(f"{self.prefix}:{name}")

    def keep_choice(self, name: str, value: str) -> None:
        """Keep a choice made outside the form (so known at every run) with the boxes' drafts, until sent."""
        place = f"{self.prefix}:{name}"
        if self._drafts.get(place) != value:
            try:
                with resources.db_session() as session:
                    keep_text(session=session, username=self.username, place=place, body=value)
            except FrontlineError as exc:  # too many drafts kept: the choice stands on the page, unkept
                st.warning(plain(exc))
                return
            self._drafts[place] = value

    def forget(self, session) -> None:
        """Discard every draft of this form: it was sent (call inside the saving transaction)."""
        forget_texts(session=session, username=self.username,
                     places=[f"{self.prefix}:{n}" for n in (*self._names, *self._choices)])

    def _box(self, widget, label: str, name: str, saved: str, kwargs: dict) -> str:
        self._names.append(name)
        if saved:
            self._editing.add(name)
        return _box(widget, label, key=f"{self.form}_{name}", saved=saved, kwargs=kwargs,
                    draft=self._drafts.get(f"{self.prefix}:{name}"),
                    note=f"{label}: your unsent draft, kept from before (only you see it).")
