"""Researcher page: the shared codebook (interviews and pulse analysis) - edit, add, import and export codes."""

import streamlit as st

from frontline_ui import resources
from frontline_ui.auth import require_page
from frontline_ui.exports import download_file, text_table
from frontline_ui.forms import clear_form, flash, form_key, show_flash, sticky_tabs
from frontline_ui.kept_text import KeptBoxes
from frontline_ui.markdown import plain
from interviews.codebook import (
    GAP_KINDS,
    add_code,
    code_choices,
    codes_table,
    delete_code,
    export_codebook_csv,
    free_colour,
    import_codebook_rows,
    update_code,
)
from interviews.sandbox import parse_upload
from research.errors import FrontlineError
from research.spreadsheets import rewrite_csv

user = require_page("codebook")
st.title("Codebook")
st.caption("One codebook for interview coding and pulse analysis: each code's name, description and example "
           "phrases are what comments are matched against, so write them in the words agents use. The next "
           "analysis run uses what is saved here.")
with resources.db_session() as session:
    table = codes_table(session=session)
    choices = code_choices(session=session)
    export = export_codebook_csv(session=session)
    new_colour = free_colour(session=session)
text_table(table, what="codebook (CSV)", file_name="codebook.csv", height=420, download=False)
download_file("Download codebook (CSV)", rewrite_csv(export), what="codebook (CSV)", file_name="codebook.csv",
              mime="text/csv")

show_flash("codebook")
edit_tab, add_tab, import_tab = sticky_tabs(["Edit a code", "Add a code", "Import codes"], key="codebook_tab")
with edit_tab:
    key = st.selectbox("Code", list(choices), format_func=choices.__getitem__, key="codebook_edit",
                       bind="query-params")  # a reload reopens the code being edited, with its draft
    current = table.set_index("Key").loc[key]
    parents = {"": "(top level)", **{k: v for k, v in choices.items() if k != key}}
    key_of_name = dict(zip(table["Name"], table["Key"]))
    form = form_key(f"edit_{key}")
    boxes = KeptBoxes(user.username, f"code:{key}", form)
    with st.form(form):
        name = boxes.text_input("Name", "name", saved=current["Name"])
        description = boxes.text_area("Description", "description", saved=current["Description"])
        examples = boxes.text_area("Example phrases (one a line)", "examples", saved=current["Examples"])
        kinds = list(GAP_KINDS)
        gap_kind = st.selectbox("Ranked among", kinds, format_func=GAP_KINDS.__getitem__, key=f"{form}_kind",
                                index=kinds.index(current["Gap list"]) if current["Gap list"] in kinds else 2)
        colour = st.color_picker("Colour", value=current["Colour"], key=f"{form}_colour")
        parent_key = key_of_name.get(current["Parent"], "")
        parent = st.selectbox("Nested under", list(parents), format_func=parents.__getitem__, key=f"{form}_parent",
                              index=list(parents).index(parent_key) if parent_key in parents else 0)
        left, right = st.columns(2)
        save = left.form_submit_button("Save code", type="primary")
        # A code's description and examples steer the analysis: one stray click must not erase them. The tick
        # comes before the button it arms, as it is read.
        confirm_delete = right.checkbox("Yes, delete this code", key=f"{form}_confirm_delete")
        delete = right.form_submit_button("Delete code")
        if save:
            try:
                with resources.db_session() as session:
                    update_code(session=session, key=key, name=name, description=description, colour=colour,
                                parent_key=parent or None, examples=examples, gap_kind=gap_kind)
                    boxes.forget(session)
            except FrontlineError as exc:
                st.error(plain(exc))
            else:
                flash("codebook", f"Saved '{plain(name.strip())}': the table above shows it, and the next "
                                  "analysis run uses it.")
                clear_form(f"edit_{key}")
                st.rerun()
        if delete and not confirm_delete:
            st.error(f"To delete '{plain(current['Name'])}', tick 'Yes, delete this code' too. Nothing was changed.")
        elif delete:
            try:
                with resources.db_session() as session:
                    delete_code(session=session, key=key)
                    boxes.forget(session)
            except FrontlineError as exc:
                st.error(plain(exc))
            else:
                flash("codebook", f"Deleted '{plain(current['Name'])}'.")
                st.rerun()
    boxes.keep()

with add_tab:
    form = form_key("add_code")
    boxes = KeptBoxes(user.username, "code:new", form)
    with st.form(form):
        name = boxes.text_input("Name", "name")
        description = boxes.text_area("Description", "description")
        examples = boxes.text_area("Example phrases (one a line)", "examples")
        gap_kind = st.selectbox("Ranked among", list(GAP_KINDS), format_func=GAP_KINDS.__getitem__, key=f"{form}_kind")
        colour = st.color_picker("Colour", value=new_colour, key=f"{form}_colour")
        parent = st.selectbox("Nested under", ["", *choices], format_func=lambda k: choices.get(k, "(top level)"),
                              key=f"{form}_parent")
        if st.form_submit_button("Add code", type="primary"):
            try:
                with resources.db_session() as session:
                    add_code(session=session, name=name, description=description, colour=colour,
                             parent_key=parent or None, examples=examples, gap_kind=gap_kind)
                    boxes.forget(session)
            except FrontlineError as exc:
                st.error(plain(exc))
            else:
                flash("codebook", f"Added '{plain(name.strip())}': it is in the table above, and the next "
                                  "analysis run uses it.")
                clear_form("add_code")
                st.rerun()
    boxes.keep()

def _listed(done: str, names: list[str], shown: int = 10) -> str:
    """"Updated 2: Pay, Tools and systems": a walk's import renamed a code, and "updated 1" said which not."""
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return f"{done} {len(names)}" + (f": {', '.join(names[:shown])}{more}" if names else "")


with import_tab:
    st.caption("A CSV with columns key, name, parent, description, colour, examples, gap_kind (as downloaded "
               "above; examples separated by |; gap_kind is morale, tooling or none). Codes are matched by key, else "
               "by name, and updated; new ones are added. A blank cell keeps what a code has.")
    upload = st.file_uploader("Codebook CSV", type=["csv"], key="codebook_upload")
    if upload is not None and st.button("Import codes"):
        try:
            rows = parse_upload("codebook", upload.name, upload.getvalue())  # read in a limited child process only
            with resources.db_session() as session:
                result = import_codebook_rows(session=session, rows=rows)
        except FrontlineError as exc:
            st.error(plain(exc))
        else:  # shown after a rerun, so the table above already lists what was imported
            flash("codebook", plain(f"{_listed('Added', result.added)}. {_listed('Updated', result.updated)}."))
            for matched in result.matched_by_name:
                flash("codebook", plain(matched) + ".", "warning")
            for reason in result.skipped:
                flash("codebook", f"Skipped {plain(reason)}", "warning")
            st.rerun()
