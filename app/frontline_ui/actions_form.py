"""The form that records an action against a theme, shared by the executive and researcher pages."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from frontline_ui import resources
from frontline_ui.forms import clear_form, flash, form_key, has_flash, retract_flash, show_flash
from frontline_ui.kept_text import KeptBoxes
from frontline_ui.markdown import plain
from research.errors import FrontlineError
from research.findings.actions import ALL_TEAMS, STATUSES, actions_table, create_action, due_note, pulse_teams


def _recorded_before(theme_name: str, title: str, owner: str) -> pd.Series | None:
    """The action already recorded with this theme, description and owner: a second click, or a re-entry."""
    with resources.db_session() as session:
        table = actions_table(session=session)
    same = table[(table["Theme"] == theme_name) & (table["What"] == title.strip())
                 & (table["Owner"] == owner.strip())]
    return None if same.empty else same.iloc[0]


def _theme_choice(form: str, codes: dict[str, str], boxes: KeptBoxes, asked: str | None) -> str | None:
    """The theme box, outside the form so the choice is known, and kept with the typed text, before the action is
    recorded. No theme until one is chosen: the first code, taken silently, recorded actions against the wrong
    theme. A link's ``?theme=`` chooses it once; the user's own choice is kept in the address and as a draft."""
    kept = boxes.kept_choice("theme")
    if asked in codes and st.session_state.get("_record_action_asked") != (form, asked):
        st.session_state[f"{form}_theme"] = asked  # once per link followed: the user may then choose another
        st.session_state["_record_action_asked"] = (form, asked)
    elif f"{form}_theme" not in st.session_state and kept in codes:  # back from another page: as left
        st.session_state[f"{form}_theme"] = kept
    theme = st.selectbox("Theme", list(codes), format_func=codes.__getitem__, key=f"{form}_theme", index=None,
                         placeholder="Choose the theme it answers")
    if theme is not None and theme != asked:  # kept in the address, so a reload keeps the theme beside the text
        st.query_params["theme"] = theme
        st.session_state["_record_action_asked"] = (form, theme)  # the user's own choice: not re-applied
    if theme is None and asked is not None and st.session_state.get("_record_action_asked") == (form, asked):
        del st.query_params["theme"]  # cleared by the user: or the next visit chose it again
    if (theme or "") != (kept or ""):
        boxes.keep_choice("theme", theme or "")
    return theme


def record_action_form(username: str, codes: dict[str, str], expanded: bool) -> None:
    """The form, its confirmation after the page refreshes, and a fresh form after each action recorded.

    Opened from a focus area's "Record an action on ..." (``?theme=<code key>``), it is open on that theme.
    """
    asked = st.query_params.get("theme")
    form = form_key("record_action")
    boxes = KeptBoxes(username, "action:new", form)
    with st.expander("Record an action", expanded=expanded or asked in codes or has_flash("record_action")
                     or boxes.holds_draft()):
        shown = show_flash("record_action")
        theme = _theme_choice(form, codes, boxes, asked)
        with resources.db_read() as session:
            teams = pulse_teams(session=session)
        with st.form(form):
            team = st.selectbox("For", [ALL_TEAMS, *teams], key=f"{form}_team",
                                help="An action for one team is followed on that team's comments alone, once "
                                     "enough of its people write; one for all teams, on everyone's.")
            title = boxes.text_area("What will be done", "title",
                                    placeholder="Replace the billing system's search screen")
            left, right = st.columns(2)
            owner = boxes.text_input("Owner", "owner", where=left, placeholder="Head of billing operations")
            due_on = right.date_input("Due", value=date.today() + timedelta(days=60), key=f"{form}_due")
            status = left.selectbox("Status", STATUSES, key=f"{form}_status")
            published = right.checkbox("Publish to agents now", key=f"{form}_published")
            if st.form_submit_button("Record action", type="primary"):
                before = None if theme is None else _recorded_before(codes.get(theme, theme), title, owner)
                if before is not None:
                    st.info(plain(f"This action is already recorded (on {before['Recorded on']} by "
                                  f"{before['Recorded by']}); nothing was stored again."))
                    return
                try:
                    with resources.db_session() as session:
                        create_action(session=session, theme=theme or "", title=title, owner=owner, due_on=due_on,
                                      status=status, published=published, created_by=username,
                                      team=None if team == ALL_TEAMS else team)
                        boxes.forget(session)
                except FrontlineError as exc:
                    retract_flash("record_action", shown)  # no green "recorded" above the red refusal
                    st.error(plain(exc))
                else:
                    whom = "all teams" if team == ALL_TEAMS else team
                    flash("record_action", plain(
                        f"Action recorded against {codes.get(theme or '', theme)} for {whom}: "
                        f"'{title.strip()[:80]}', owner "
                        f"{owner.strip()}" + (", published to agents." if published else ", not published yet.")))
                    if (due := due_note(due_on, status)).startswith("overdue"):  # a slip of the year, most often
                        flash("record_action", plain(f"Its due date has passed, so it shows as {due}. If that "
                                                     "is a slip, an executive can change the date on the Actions "
                                                     "page, or the action can be deleted and recorded again."),
                              "warning")
                    clear_form("record_action")
                    st.query_params.pop("theme", None)  # the next action starts with no theme, as the form promises
                    st.rerun()
        boxes.keep()
