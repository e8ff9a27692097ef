"""Plotly charts in their own light template instead of Streamlit's theme.

Streamlit's theme draws axis, tick and legend text in a grey with 3.7:1 contrast on white, below the 4.5:1
WCAG AA asks of text; the ``plotly_white`` template keeps it dark (#2a3f5f, 10:1), as the briefing does.
"""

import streamlit as st

TEMPLATE = "plotly_white"


def show_chart(figure, *, where=st, **kwargs) -> None:
    """Draw ``figure`` (a plotly figure) with readable text, in ``where`` (a column, say); ``kwargs`` go to
    ``st.plotly_chart``."""
    figure.update_layout(template=TEMPLATE)
    where.plotly_chart(figure, theme=None, **kwargs)
