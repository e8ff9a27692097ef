"""Shared widgets for choosing what a page works on."""

import streamlit as st

from frontline_ui import resources
from research.pulse.waves import wave_choices


def unique_titles(choices: dict[int, str]) -> dict[int, str]:
    """``choices`` with a repeated title numbered ("title (2)"), so each title names one item only."""
    seen: dict[str, int] = {}
    unique = {}
    for item_id, title in choices.items():
        seen[title] = seen.get(title, 0) + 1
        unique[item_id] = title if seen[title] == 1 else f"{title} ({seen[title]})"
    return unique


def pick_by_title(label: str, choices: dict[int, str], empty_message: str, *, prefer: int | None = None,
                  key: str | None = None, in_address: bool = False) -> int:
    """A selectbox over ``choices`` (id -> title); stops the page with ``empty_message`` when empty.

    Keyed by title: plain string options behave the same in the browser and in
    AppTest. The browser sends back the title chosen, so two equal titles would
    both open the first item; repeated titles are numbered first. ``in_address`` keeps
    the choice in the address, so a reload (or a bookmark) opens the same item: only for
    titles staff chose to name things by (studies, waves), never for people's words such
    as an answer or an excerpt, which would then sit in browser history and proxy logs.
    """
    if not choices:
        st.info(empty_message)
        st.stop()
    choices = unique_titles(choices)
    by_title = {title: item_id for item_id, title in choices.items()}
    if key is not None and st.session_state.get(key) not in by_title:
        st.session_state.pop(key, None)  # a title from another study or a deleted item: start from the default
    # The index is always the item shown: with the value set through the session state and the index left at 0,
    # the browser drew the first title while the page opened the one chosen (an outside walk typed into one
    # participant's interview under another's name after visiting another page; Streamlit issues 6350, 13435).
    if key is not None and key in st.session_state:
        prefer = by_title[st.session_state[key]]
    index = list(choices).index(prefer) if prefer in choices else 0
    return by_title[st.selectbox(label, list(by_title), index=index, key=key,
                                 bind="query-params" if in_address and key is not None else None)]


def pick_wave(empty_message: str, prefer: int | None = None) -> int:
    """A wave picker (newest first, or ``prefer`` first chosen); stops the page when there is no wave."""
    with resources.db_read() as session:
        choices = wave_choices(session=session)
    return pick_by_title("Wave", choices, empty_message, prefer=prefer, key="wave", in_address=True)


def select_wave(title: str) -> None:
    """Make the wave called ``title`` the one wave pickers show next (after creating it: the links page had opened
    on the wave chosen before, an outside walk found)."""
    st.session_state["wave"] = title


def pick_study(empty_message: str) -> int:
    """A study picker (newest first), shared by the interview pages; stops the page when there is none."""
    from interviews.studies import study_choices

    with resources.db_read() as session:
        choices = study_choices(session=session)
    return pick_by_title("Study", choices, empty_message, key="study_picker", in_address=True)


def select_study(title: str) -> None:
    """Make the study called ``title`` the one the study picker shows on the next run (after creating it)."""
    st.session_state["study_picker"] = title


def pick_interview(study_id: int, empty_message: str, *, key: str, prefer: int | None = None,
                   fallback: int | None = None) -> int:
    """An interview picker labelled by participant, date and number; stops the page when the study has none.

    ``prefer`` is opened now; else the interview chosen before on this page; else, in a new browser session
    (a reload), ``fallback``.
    """
    from interviews.notes import interview_labels

    with resources.db_read() as session:
        choices = interview_labels(session=session, study_id=study_id)
    last = st.session_state.get(f"_last_{key}")
    gone = prefer is None and last is not None and last not in choices
    if gone:  # erased by a withdrawal in another session: never carry on silently in another interview
        st.session_state.pop(key, None)
        st.session_state.pop(f"_last_{key}", None)
    if prefer is None and key not in st.session_state:
        # Streamlit forgets a widget's value on another page; coming back opens the interview left open, and a
        # reload the one in the address.
        prefer = st.session_state.get(f"_last_{key}", id_in_address("interview", fallback))
        if id_in_address("interview") not in (None, *choices):
            st.warning("The address names an interview this study does not have; another is open below.")
    if prefer in choices:
        st.session_state[key] = unique_titles(choices)[prefer]
    chosen = pick_by_title("Interview", choices, empty_message, key=key)
    st.session_state[f"_last_{key}"] = chosen
    keep_id_in_address("interview", chosen)
    if gone:
        # An outside walk typed a memo on a withdrawn participant's open interview; the page had moved to
        # another participant's and kept it there, under the old heading, without a word.
        st.warning("The interview you had open is gone: its participant withdrew and everything of theirs was "
                   "erased, with anything typed there. Another interview is chosen above; open it to go on.")
        st.button("Open the interview chosen above")
        st.stop()
    return chosen


def id_in_address(name: str, default: int | None = None) -> int | None:
    """The id kept in the address under ``name`` (see :func:`keep_id_in_address`), or ``default``.

    Only ids go in the address, never a label: a participant's attributes or an answer's words would sit in
    browser history and proxy logs. An id names nothing without a signed-in session allowed to open it.
    """
    raw = st.query_params.get(name, "")
    return int(raw) if raw.isdigit() else default


def keep_id_in_address(name: str, item_id: int) -> None:
    """Keep ``item_id`` in the address, so a reload opens the same item (the page checks it still exists)."""
    if st.query_params.get(name) != str(item_id):
        st.query_params[name] = str(item_id)
