"""Frontline's Streamlit entry point: checks the database, then builds the menu from the user's role."""

import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import PAGE_ROLES, may_open, refresh_user
from research.errors import FrontlineError
from research.store.migrate import ensure_migrated

st.set_page_config(page_title="Frontline", page_icon=":material/support_agent:", layout="wide")

try:
    ensure_migrated(resources.engine())
except FrontlineError as exc:
    st.error(f"Frontline cannot start: {exc}")
    st.stop()

with resources.db_session() as session:
    user = refresh_user(session)

PAGES = {
    "findings": ("Findings", st.Page("pages/findings.py", title="Findings overview", icon=":material/insights:")),
    "studies": ("Research", st.Page("pages/studies.py", title="Interview studies", icon=":material/forum:")),
    "pulse_waves": ("Research", st.Page("pages/pulse_waves.py", title="Pulse waves", icon=":material/poll:")),
    "pulse_links": ("Research", st.Page("pages/pulse_links.py", title="Pulse links", icon=":material/link:")),
    "pulse_replies": ("Research", st.Page("pages/pulse_replies.py", title="Comments and replies",
                                          icon=":material/chat:")),
    "analysis": ("Research", st.Page("pages/analysis.py", title="Analysis", icon=":material/analytics:")),
    "users": ("Administration", st.Page("pages/users.py", title="Users", icon=":material/group:")),
    "account": ("Account", st.Page("pages/account.py", title="Account", icon=":material/person:")),
}
assert set(PAGES) == set(PAGE_ROLES)

if user is None:
    # Visitors see no menu: the sign-in form, or the pulse page their link opens.
    navigation = st.navigation(
        [st.Page("pages/login.py", title="Sign in", icon=":material/login:", default=True),
         st.Page("pages/pulse.py", title="Anonymous pulse", url_path="pulse")],
        position="hidden",
    )
else:
    sections: dict[str, list] = {}
    for key, (section, page) in PAGES.items():
        if may_open(key, user):
            sections.setdefault(section, []).append(page)
    navigation = st.navigation(sections)
navigation.run()
