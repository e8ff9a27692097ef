"""Form generations (app/frontline_ui/forms.py): a sent form is retired, so nothing still in flight for it counts."""

from streamlit.testing.v1 import AppTest


def _script():
    import streamlit as st

    from frontline_ui.forms import clear_form, form_key, is_current

    drawn = form_key("add_participant")
    before = is_current(drawn)
    clear_form("add_participant")  # what a successful save does
    st.write(repr((drawn, before, is_current(drawn), form_key("add_participant"),
                   is_current(form_key("add_participant")))))


def test_a_form_is_current_until_a_save_retires_it_and_its_successor_is_current():
    at = AppTest.from_function(_script).run()
    assert not at.exception
    assert at.markdown[0].value == repr(("add_participant", True, False, "add_participant__1", True))
