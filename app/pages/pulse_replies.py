"""Researcher page: read a wave's comments (teams at the comment threshold only) and reply anonymously."""

from datetime import datetime, timezone

import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import require_page
from frontline_ui.pickers import pick_wave
from research.errors import FrontlineError
from research.pulse.replies import add_reply, comments_for_reply

user = require_page("pulse_replies")
st.title("Comments and replies")
threshold = resources.settings().min_comment_group_size
wave_id = pick_wave("No pulse waves yet.")
with resources.db_session() as session:
    comments = comments_for_reply(session=session, wave_id=wave_id, threshold=threshold)
st.caption(f"Only teams with at least {threshold} responses are shown. Agents read replies with their receipt code.")
if comments.empty:
    st.info(f"No comments to show yet: no team has {threshold} responses in this wave.")
    st.stop()
team = st.selectbox("Team", sorted(comments["team"].unique()))
for row in comments[comments["team"] == team].itertuples():
    with st.container(border=True):
        st.text(row.comment)
        with st.popover(f"Reply ({row.replies} so far)"):
            with st.form(f"reply_{row.response_id}"):
                body = st.text_area("Your reply (the agent sees it with their receipt code)")
                if st.form_submit_button("Send reply"):
                    try:
                        with resources.db_session() as session:
                            add_reply(session=session, response_id=row.response_id, author=user.username, body=body,
                                      today=datetime.now(timezone.utc).date())
                    except FrontlineError as exc:
                        st.error(str(exc))
                    else:
                        st.success("Reply sent.")
