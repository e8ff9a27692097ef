"""Executive page: segments by question, coloured by score, with suppressed cells marked."""

import streamlit as st

from frontline_ui import findings_data, resources
from frontline_ui.auth import require_page
from frontline_ui.charts import show_chart
from frontline_ui.markdown import plain
from frontline_ui.pickers import pick_wave
from research.findings.heatmap import heatmap, heatmap_figure
from research.pulse.waves import latest_reportable_wave

require_page("findings_heatmap")
st.title("Heatmap")
limits = findings_data.thresholds()
with resources.db_read() as session:
    reportable = latest_reportable_wave(session=session, threshold=limits.scores)
# the representative wave, as the overview opens on (an outside walk saw the heatmap open on an open wave)
wave_id = pick_wave("No pulse waves yet.", prefer=findings_data.representative() or reportable)
dimension = st.radio("Segments", ["team", "site", "channel", "industry"], horizontal=True)
with resources.db_read() as session:
    table = heatmap(session=session, wave_id=wave_id, dimension=dimension, thresholds=limits)
if table.values.empty:
    st.info("No responses in this wave yet.")
    st.stop()
if len(table.hidden) == len(table.values):  # a chart of dashes only (a wave just opened) says nothing
    st.info(f"No {plain(table.dimension)} in this wave can be shown yet: each has {table.note} (or would reveal "
            "such a group by subtraction). Choose another wave, or come back when more people have answered.")
    st.stop()
st.caption("Each column is coloured over its measure's whole scale (1 to 5, eNPS −100 to +100, shares 0 to 100 %), "
           "so colours compare across waves: blue is the best end, red the worst. Every cell carries its figure; "
           "hover a row for its number of responses.")
show_chart(heatmap_figure(table), width="stretch")
with st.expander("What each column asks"):
    st.markdown("\n".join(f"- **{plain(column)}** ({table.scale(column)}): “{plain(prompt)}”"
                           for column, prompt in table.asked.items()))
if table.hidden:
    st.caption(f"Rows marked – have {table.note} (or would reveal such a group by subtraction): "
               f"{', '.join(plain(name) for name in table.hidden)}.")
