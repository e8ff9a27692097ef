"""Frontline's Streamlit entry point: checks the database, then builds the menu from the user's role."""

import streamlit as st

from frontline_ui import browser_store, resources
from frontline_ui.a11y import repair_sidebar_menu
from frontline_ui.auth import PAGE_ROLES, keep_session_cookie, may_open, opening_pulse_page, refresh_user
from frontline_ui.markdown import plain
from frontline_ui.pulse_draft import AGENT_ITEMS
from frontline_ui.refusal import refused_page
from research.errors import FrontlineError

st.set_page_config(page_icon="🎧", layout="wide")

try:
    resources.migrated()
except FrontlineError as exc:
    st.error(plain(f"Frontline cannot start: {exc}"))
    st.stop()

try:
    with resources.db_session() as session:
        user = refresh_user(session, restore=not opening_pulse_page())
except FrontlineError as exc:  # the database went away after start: say so, keep the session
    st.error(plain(f"Frontline: {exc}."))
    st.button("Try again", type="primary")
    st.stop()

PAGES = {
    "findings": ("Findings", st.Page("views/findings.py", title="Findings overview", icon=":material/insights:")),
    "findings_heatmap": ("Findings", st.Page("views/findings_heatmap.py", title="Heatmap",
                                             icon=":material/grid_on:")),
    "findings_gaps": ("Findings", st.Page("views/findings_gaps.py", title="Morale and tooling gaps",
                                          icon=":material/troubleshoot:")),
    "findings_topics": ("Findings", st.Page("views/findings_topics.py", title="Topic explorer",
                                            icon=":material/bubble_chart:")),
    "findings_evidence": ("Findings", st.Page("views/findings_evidence.py", title="Interview evidence",
                                              icon=":material/record_voice_over:")),
    "findings_actions": ("Findings", st.Page("views/findings_actions.py", title="Actions",
                                             icon=":material/task_alt:")),
    "studies": ("Interviews", st.Page("views/studies.py", title="Interview studies", icon=":material/forum:")),
    "interview_notes": ("Interviews", st.Page("views/interview_notes.py", title="Interview notes",
                                              icon=":material/edit_note:")),
    "interview_import": ("Interviews", st.Page("views/interview_import.py", title="Import notes",
                                               icon=":material/upload_file:")),
    "coding": ("Interviews", st.Page("views/coding.py", title="Coding", icon=":material/label:")),
    "codebook": ("Interviews", st.Page("views/codebook.py", title="Codebook", icon=":material/category:")),
    "interview_analysis": ("Interviews", st.Page("views/interview_analysis.py", title="Interview analysis",
                                                 icon=":material/query_stats:")),
    "pulse_waves": ("Pulse", st.Page("views/pulse_waves.py", title="Pulse waves", icon=":material/poll:")),
    "pulse_links": ("Pulse", st.Page("views/pulse_links.py", title="Pulse links", icon=":material/link:")),
    "pulse_replies": ("Pulse", st.Page("views/pulse_replies.py", title="Comments and replies",
                                          icon=":material/chat:")),
    "analysis": ("Pulse", st.Page("views/analysis.py", title="Analysis", icon=":material/analytics:")),
    "actions_record": ("Pulse", st.Page("views/actions_record.py", title="Record actions",
                                        icon=":material/add_task:")),
    "users": ("Administration", st.Page("views/users.py", title="Users", icon=":material/group:")),
    "audit": ("Administration", st.Page("views/audit.py", title="Audit trail", icon=":material/history:")),
    "account": ("Account", st.Page("views/account.py", title="Account", icon=":material/person:")),
}
assert set(PAGES) == set(PAGE_ROLES)

if user is None:
    # Visitors see no menu: the sign-in form, or the pulse page their link opens. A staff page's address (a
    # bookmark, a reload after the session ended) shows the sign-in form at that address; Streamlit names a
    # page by its address, so after sign-in the same run opens the page that was asked for.
    navigation = st.navigation(
        [st.Page("views/login.py", title="Sign in", icon=":material/login:", default=True),
         st.Page("views/pulse.py", title="Anonymous pulse", url_path="pulse"),
         *(st.Page("views/login.py", title="Sign in", url_path=key) for key in PAGES)],
        position="hidden",
    )
else:
    sections: dict[str, list] = {}
    for key, (section, page) in PAGES.items():
        if may_open(key, user):
            sections.setdefault(section, []).append(page)
    # Staff can still open the reply lookup (and a pulse link, as a visitor, see auth.opening_pulse_page).
    sections["Account"].append(st.Page("views/pulse.py", title="Anonymous pulse", url_path="pulse",
                                       visibility="hidden"))
    if user.role == "researcher":  # their own work first: the gaps and topics they check come after it
        sections = dict(sorted(sections.items(), key=lambda item: (item[0] == "Account", item[0] == "Findings")))
    home = next(iter(sections.values()))[0]
    sections["Account"] += [refused_page(key, page.title, user, home)
                            for key, (_, page) in PAGES.items() if not may_open(key, user)]
    navigation = st.navigation(sections, expanded=True)  # every page in sight: "View 3 more" hid a researcher's Account
    repair_sidebar_menu()
st.set_page_config(page_title=f"{navigation.title} · Frontline")  # each tab and bookmark names its page
keep_session_cookie()
if not opening_pulse_page():  # a shared PC's tab that left the pulse link keeps nothing the agent gave
    browser_store.forget_in_tab("agent_items", AGENT_ITEMS)
    browser_store.mirror_form("agent_mirror", None)  # and never copies another page's form (a staff note) there
navigation.run()
