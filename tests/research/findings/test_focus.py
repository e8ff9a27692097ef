"""Focus areas on the analysed demo: each top gap with its worst team, quotes, interviews, trend and actions."""

from datetime import date

from sqlalchemy.orm import Session

from research.analysis.gaps import analysed_comments, theme_names
from research.findings.actions import create_action
from research.findings.focus import focus_areas
from research.findings.interview_evidence import evidence_studies
from research.privacy.reporting import Thresholds, releasable_rows
from research.store.engine import session_scope


def areas_of(engine, job_id, thresholds=None, **kwargs):
    thresholds = thresholds if thresholds is not None else Thresholds()
    with session_scope(engine) as session:
        study_id = next(iter(evidence_studies(session=session)))
        return focus_areas(session=session, job_id=job_id, thresholds=thresholds, study_id=study_id, **kwargs)


def test_each_top_gap_has_a_readable_name_its_worst_team_quotes_interviews_and_trend(analysed_demo):
    engine, job_id = analysed_demo
    areas = areas_of(engine, job_id)
    with session_scope(engine) as session:
        names, _ = theme_names(session=session)
        comments = analysed_comments(session=session, job_id=job_id)
    latest = comments[comments["opens_on"] == comments["opens_on"].max()]
    quotable = releasable_rows(latest, by="team", threshold=Thresholds().comments, people="response_id")
    assert len(areas) == 3
    tools = next(a for a in areas if a.theme == "tools")
    # The billing system the demo plants is worst in Utilities Billing and rises wave by wave.
    assert tools.name == "Tools and systems" and tools.worst_team == "Utilities Billing"
    assert tools.change > 0 and tools.trend_text.endswith(f"since {tools.previous_wave})")
    assert len(tools.trend) == 3 and " → " in tools.trend_text
    for area in areas:
        assert area.name == names[area.theme]  # the codebook's name, never a key phrase
        assert area.worst_team in set(quotable["team"])
        assert 1 <= len(area.quotes) <= 2 and len(set(area.quotes)) == len(area.quotes)
        critical = quotable[(quotable["theme"] == area.theme) & (quotable["sentiment"] < 0)]
        assert set(area.quotes) <= set(critical["text"])  # a gap is never quoted in praise of it
        assert area.interview_participants == 20 and 0 <= area.interview_raised <= 20  # steps of 5 of 24
        assert area.interview_text.endswith(  # not "20 of 20" for a study of 24, and 11 is not read as a step
            f" of the {area.interview_participants} agents counted so far, who join the count 5 at a time; "
            f"{area.interview_study})")
    # The change is read from the rounded shares shown, so they never disagree.
    shown = [int(s.strip(" %")) for s in tools.trend_text.split(" (")[0].split(" → ")]
    words = tools.trend_text.split(" (")[1].split()
    moved = 0 if words[0] == "no" else int(words[1]) * (1 if words[0] == "up" else -1)
    assert moved == shown[-1] - shown[-2]


def test_with_strict_thresholds_no_team_or_quote_is_shown(analysed_demo):
    engine, job_id = analysed_demo
    areas = areas_of(engine, job_id, thresholds=Thresholds(scores=5, comments=1000))
    assert areas and all(a.worst_team is None and a.worst_share is None and a.quotes == () for a in areas)


def test_a_chosen_wave_leaves_later_waves_out(analysed_demo):
    engine, job_id = analysed_demo
    with session_scope(engine) as session:
        comments = analysed_comments(session=session, job_id=job_id)
    second = int(comments.sort_values("opens_on")["wave_id"].unique()[1])
    areas = areas_of(engine, job_id, wave_id=second)
    assert areas and all(a.wave.startswith("Pulse wave 2") and len(a.trend) == 2 for a in areas)


def test_actions_recorded_against_a_gap_are_listed_with_it(analysed_demo):
    engine, job_id = analysed_demo
    with Session(engine) as session:  # rolled back: the demo stays as other tests expect it
        create_action(session=session, theme="tools", title="Replace the CRM search", owner="IT operations",
                      due_on=date(2026, 12, 31), created_by="exec")
        areas = focus_areas(session=session, job_id=job_id, thresholds=Thresholds())
        session.rollback()
    tools = next(a for a in areas if a.theme == "tools")
    assert {"What": "Replace the CRM search", "Owner": "IT operations", "Due": date(2026, 12, 31),
            "Status": "planned"} in tools.actions.to_dict("records")
    assert all("Replace the CRM search" not in set(a.actions["What"]) for a in areas if a.theme != "tools")
    assert all(a.interview_participants is None and a.interview_text == "No interviews to compare with."
               for a in areas)


def test_a_gap_is_quoted_in_its_critics_words_never_in_praise():
    """Under "the gaps with the most negative comments", a team's positive comment on the theme is no quote."""
    import pandas as pd

    from research.findings.focus import _quotes

    quotable = pd.DataFrame({"theme": ["workload"] * 3, "team": ["Night desk"] * 3,
                             "text": ["The extra hires have made the queue manageable", "Queues never end",
                                      "Nobody covers the breaks"], "sentiment": [0.6, -0.5, -0.3]})
    assert _quotes(quotable, "workload", "Night desk", ()) == ("Queues never end", "Nobody covers the breaks")
    praise = quotable.iloc[:1]
    assert _quotes(praise, "workload", "Night desk", ("A fallback critic's words",)) == ("A fallback critic's words",)
    # Praise the learned sentiment misreads as negative (an outside walk saw these quoted as critics) is no quote
    # either: its own words praise.
    misread = quotable.assign(text=["The new scheduling tool is actually really good, thanks for listening",
                                    "Queues never end", "Nobody covers the breaks"], sentiment=[-0.9, -0.5, -0.3])
    assert _quotes(misread, "workload", "Night desk", ()) == ("Queues never end", "Nobody covers the breaks")


def test_a_trend_ending_on_a_wave_in_progress_says_it_is_not_like_for_like():
    """An outside walk read "up 12 points since Pulse wave 3" from two of eight teams' comments."""
    from dataclasses import replace

    import pandas as pd

    from research.findings.focus import FocusArea

    area = FocusArea(theme="tools", name="Tools and systems", kind="tooling", wave="Pulse wave 4", share=0.30,
                     negative_share=0.2, change=0.12, previous_wave="Pulse wave 3", worst_team=None, worst_share=None,
                     quotes=(), interview_raised=None, interview_participants=None, interview_study=None,
                     interview_step=5, trend=pd.DataFrame({"wave": ["Pulse wave 3", "Pulse wave 4"],
                                                           "share": [0.18, 0.30]}), actions=pd.DataFrame())
    assert area.trend_text == "18 % → 30 % (up 12 points since Pulse wave 3)"
    marked = replace(area, wave_note="in progress: 2 of 8 teams reportable so far")
    assert marked.trend_text == ("18 % → 30 % (up 12 points since Pulse wave 3); not like for like: Pulse wave 4 is "
                                 "in progress with 2 of 8 teams reportable so far")
