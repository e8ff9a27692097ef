"""The studies page's form for one participant's attributes and consent, every typed box kept as a draft.

One participant at a time, in kept text boxes (drafts at ``participant:<id>:<name>``): an editable grid sent
nothing before its form was, so a reload or a page change lost every edit in it.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from frontline_ui import resources
from frontline_ui.forms import clear_form, flash, form_key
from frontline_ui.kept_text import KeptBoxes
from frontline_ui.markdown import plain
from interviews.studies import CHANNELS, ParticipantValues, update_participant
from research.accounts.drafts import participant_boxes
from research.errors import FrontlineError

LABELS = {"industry": "Industry", "role": "Role", "tenure_band": "Tenure band", "site": "Site"}


def channel_label(channel: str) -> str:
    """A channel as the choice lists show it: the empty choice reads "not recorded"."""
    return channel or "not recorded"


def _custom_name(name: str) -> str:
    """A custom attribute's box name: fixed-length and key-safe whatever was typed, and never another's."""
    return "custom_" + hashlib.sha256(name.encode()).hexdigest()[:16]


def edit_participant_form(username: str, person: ParticipantValues) -> None:
    """Draw the edit form of ``person``; on save, update them, confirm what changed and start a fresh form."""
    name = f"person_{person.id}"
    form = form_key(name)
    boxes = KeptBoxes(username, participant_boxes(person.id), form)
    with st.form(form):
        st.markdown(f"**{plain(person.code)}**: their attributes and consent")
        columns = st.columns(3)
        values: dict[str, object] = {
            key: boxes.text_input(label, key, saved=person.fixed[key], where=columns[i % 3])
            for i, (key, label) in enumerate(LABELS.items())}
        saved = person.fixed["channel"]  # an imported one outside the list is kept as it is; none is not added twice
        channels = ["", *CHANNELS, *([saved] if saved and saved not in CHANNELS else [])]
        values["channel"] = columns[1].selectbox("Channel", channels, index=channels.index(saved),
                                                 format_func=channel_label,
                                                 key=f"{form}_channel")
        values["consent_given"] = columns[2].checkbox("Consent given", value=person.consent_given,
                                                      key=f"{form}_consent")
        for i, (attribute, saved) in enumerate(person.custom.items()):
            values[attribute] = boxes.text_input(plain(attribute), _custom_name(attribute), saved=saved,
                                                 where=columns[i % 3])
        if st.form_submit_button(f"Save {person.code}"):
            changed = person.changes(values)
            try:
                with resources.db_session() as session:
                    update_participant(session=session, participant_id=person.id, values=values)
                    boxes.forget(session)
            except FrontlineError as exc:
                st.error(plain(exc))
            else:
                flash("studies", plain(f"Saved {person.code}: {', '.join(changed)}." if changed
                                       else f"Nothing had changed for {person.code}; it is saved as it was."),
                      "success" if changed else "info")
                clear_form(name)
                st.rerun()
    boxes.keep()
