"""Downloads leave a line in the audit trail: who took which copy of what, and when.

Every file a page offers goes through :func:`download_file`, and every table through :func:`download_table`,
which builds it with :mod:`research.spreadsheets` (cells inert, whatever their dtype). A table holding typed
text is shown with :func:`text_table`: Streamlit's own dataframe toolbar would offer an unaudited "Download as
CSV" of the raw cells, and this Streamlit version can turn that off only for the whole server
(``client.disableDataExport``), so such tables are drawn with ``st.table``, which has no toolbar, and the
audited download sits below.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import current_user
from frontline_ui.markdown import plain
from research.audit import record
from research.spreadsheets import XLSX_MIME, holds_no_text, to_csv, to_xlsx


def record_export(what: str) -> None:
    """The ``on_click`` of every download button; it runs on the server when the button is pressed."""
    user = current_user()
    with resources.db_session() as session:
        record(session=session, actor=user.username if user else "(not signed in)", action="export", subject=what)


def download_file(label: str, data: bytes | str, *, what: str, file_name: str, mime: str, key: str | None = None,
                  container=st) -> None:
    """An audited download button for a file already built (a briefing, a zip of inert CSVs)."""
    container.download_button(label, data=data, file_name=file_name, mime=mime, key=key or f"download_{file_name}",
                              on_click=record_export, args=(what,))


def download_table(label: str, frame: pd.DataFrame, *, what: str, file_name: str, index: bool = False,
                   key: str | None = None, container=st) -> None:
    """An audited download of ``frame`` as CSV (or XLSX when ``file_name`` ends in .xlsx), every cell inert."""
    if file_name.endswith(".xlsx"):
        data, mime = to_xlsx({"Sheet1": frame}, index=index), XLSX_MIME
    else:
        data, mime = to_csv(frame, index=index), "text/csv"
    download_file(label, data, what=what, file_name=file_name, mime=mime, key=key, container=container)


def _text(value: object) -> str:
    """A cell of a text column as ``st.table`` shows it: escaped, blank for a gap."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return plain(value)


def _shown_column(column: pd.Series, pattern: str | None) -> pd.Series:
    if pattern is not None:
        return column.map(lambda v: "" if pd.isna(v) else pattern.format(v)).astype(object)
    if holds_no_text(column):
        return column  # numbers stay numbers: sortable by eye, aligned right
    return column.astype(object).map(_text)


def text_table(frame: pd.DataFrame, *, what: str, file_name: str, index: bool = False,
               formats: Mapping[str, str] | None = None, key: str | None = None, height: int | None = None,
               download: bool = True) -> None:
    """Show a table holding text people typed, with no toolbar download, and its audited CSV download below.

    ``st.table`` renders each cell as Markdown, so text cells, headers and row names pass :func:`plain`.

    Args:
        frame: the table as the library returned it.
        what: how the audit trail names the download.
        file_name: the CSV's name.
        index: show and export the index (tables whose rows are named, such as a code matrix).
        formats: ``str.format`` patterns by column, e.g. ``{"share": "{:.0%}"}``.
        key: the download button's key, when one page offers two tables with the same file name.
        height: a fixed height in pixels; long tables then scroll.
        download: False where the page already offers the same data as an audited file.
    """
    formats = formats or {}
    shown = pd.DataFrame({plain(c): _shown_column(frame[c], formats.get(c)).to_numpy() for c in frame.columns},
                         index=pd.RangeIndex(len(frame)))
    if index:
        shown.index = pd.Index([_text(i) for i in frame.index], name=_text(frame.index.name))
    st.table(shown, hide_index=not index, height=height or "content")
    if download:
        download_table("Download (CSV)", frame, what=what, file_name=file_name, index=index, key=key)
