"""Actions ("you said, we did"): validation, baseline wave, what agents see, and the effect since the action."""

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from research.errors import FrontlineError
from research.findings.action_effects import action_effect
from research.findings.actions import (
    STATUSES,
    ActionRef,
    PublishedAction,
    actions_table,
    create_action,
    delete_action,
    published_actions,
    set_published,
    update_action,
)
from research.store.engine import make_engine
from research.store.migrate import current_revision, head_revision, upgrade
from research.store.models import Action, PulseWave, Study

TODAY = date(2026, 6, 15)


def add_waves(session, *opens):
    waves = [PulseWave(title=f"Pulse wave {i}", opens_on=day, closes_on=date(day.year, day.month, 28))
             for i, day in enumerate(opens, start=1)]
    session.add_all(waves)
    session.flush()
    return waves


def new_action(session, **overrides):
    fields = {"theme": "tools", "title": "Replace the CRM search", "owner": "IT operations",
              "due_on": date(2026, 9, 30), "created_by": "exec", "today": TODAY}
    return create_action(session=session, **{**fields, **overrides})


def count_actions(engine):
    with Session(engine) as session:
        return session.scalar(select(func.count(Action.id)))


def test_create_strips_and_stores_with_defaults(engine):
    with Session(engine) as session:
        action = new_action(session, title="  Replace the CRM search \n", owner=" IT operations ", theme=" tools ")
        session.commit()
        action_id = action.id
    with Session(engine) as session:
        stored = session.get(Action, action_id)
        assert (stored.theme, stored.title, stored.owner, stored.status, stored.published, stored.created_by) == (
            "tools", "Replace the CRM search", "IT operations", "planned", False, "exec")
        assert stored.due_on == date(2026, 9, 30) and stored.created_at is not None
    assert STATUSES == ("planned", "in progress", "done", "dropped")


@pytest.mark.parametrize(("overrides", "message"), [
    ({"theme": "printers"}, "Unknown theme 'printers'"),
    ({"title": "   "}, "needs a description"),
    ({"title": "x" * 501}, "500 characters"),
    ({"owner": " "}, "Name an owner"),
    ({"status": "maybe"}, "Unknown status 'maybe'"),
    ({"due_on": date(2031, 6, 16)}, "more than 5 years"),
    ({"due_on": date(2021, 6, 14)}, "more than 5 years"),
])
def test_bad_input_is_refused_and_nothing_is_stored(engine, overrides, message):
    with Session(engine) as session:
        with pytest.raises(FrontlineError, match=message):
            new_action(session, **overrides)
        session.commit()
    assert count_actions(engine) == 0


def test_limits_themselves_are_accepted(engine):
    with Session(engine) as session:
        new_action(session, title="x" * 500, due_on=date(2031, 6, 15), status="in progress")
        new_action(session, due_on=None, status="done")
        session.commit()
    assert count_actions(engine) == 2


def test_update_validates_like_create_and_changes_nothing_on_error(engine):
    with Session(engine) as session:
        action_id = new_action(session).id
        session.commit()
    with Session(engine) as session:
        with pytest.raises(FrontlineError, match="Unknown status"):
            update_action(session=session, action_id=action_id, title="New title", status="finished", today=TODAY)
        with pytest.raises(FrontlineError, match="needs a description"):
            update_action(session=session, action_id=action_id, title="")
        with pytest.raises(FrontlineError, match="Unknown theme"):
            update_action(session=session, action_id=action_id, theme="nope")
        with pytest.raises(FrontlineError, match="No action with id 999"):
            update_action(session=session, action_id=999, status="done")
        with pytest.raises(TypeError, match="baseline_wave_id"):
            update_action(session=session, action_id=action_id, baseline_wave_id=1)
        session.commit()
    with Session(engine) as session:
        stored = session.get(Action, action_id)
        assert (stored.title, stored.status, stored.theme) == ("Replace the CRM search", "planned", "tools")
        saved = update_action(session=session, action_id=action_id, status="in progress", owner=" Team leads ",
                              due_on=date(2026, 12, 1), today=TODAY)
        session.commit()
    assert saved == ActionRef(id=action_id, baseline_wave_id=None)  # plain values, usable after the session
    with Session(engine) as session:
        stored = session.get(Action, action_id)
        assert (stored.status, stored.owner, stored.due_on) == ("in progress", "Team leads", date(2026, 12, 1))


def test_baseline_is_the_latest_wave_opened_by_the_day_recorded(engine):
    with Session(engine) as session:
        first, second, third = add_waves(session, date(2026, 3, 1), date(2026, 6, 1), date(2026, 9, 1))
        assert new_action(session, today=date(2026, 2, 28)).baseline_wave_id is None
        assert new_action(session, today=date(2026, 3, 1)).baseline_wave_id == first.id
        assert new_action(session, today=date(2026, 6, 15)).baseline_wave_id == second.id
        assert new_action(session, today=date(2026, 8, 31)).baseline_wave_id == second.id
        assert new_action(session, today=date(2026, 10, 1)).baseline_wave_id == third.id
        session.commit()


def test_published_actions_leave_out_unpublished_and_dropped_newest_first(engine):
    with Session(engine) as session:
        new_action(session, title="Hidden plan")
        new_action(session, title="Dropped idea", published=True, status="dropped")
        first = new_action(session, title="Faster CRM search", published=True, status="in progress")
        later = new_action(session, theme="recognition", title="Monthly thank-you notes", due_on=None)
        set_published(session=session, action_id=later.id, published=True)
        session.commit()
        first_id = first.id
    with Session(engine) as session:
        assert published_actions(session=session) == [
            PublishedAction("Recognition", "Monthly thank-you notes", "planned", None),
            PublishedAction("Tools and systems", "Faster CRM search", "in progress", date(2026, 9, 30)),
        ]
        set_published(session=session, action_id=first_id, published=False)
        session.commit()
        assert [a.title for a in published_actions(session=session)] == ["Monthly thank-you notes"]


def test_actions_table_names_the_theme_and_filters(engine):
    with Session(engine) as session:
        new_action(session)
        new_action(session, theme="workload", title="Two more agents on the late shift", published=True)
        session.commit()
        table = actions_table(session=session)
        assert list(table.columns) == ["id", "Theme", "For", "What", "Owner", "Due", "Status", "Published",
                                       "Recorded by", "Recorded on"]
        assert table["For"].tolist() == ["All teams", "All teams"]
        assert table["Theme"].tolist() == ["Workload and staffing", "Tools and systems"]
        assert table["Published"].tolist() == [True, False]
        only = actions_table(session=session, theme="tools")
        assert only["What"].tolist() == ["Replace the CRM search"]
        assert only["Recorded by"].tolist() == ["exec"]
        assert actions_table(session=session, theme="training").empty


def gaps_frame(rows):
    """Rows shaped like research.analysis.gaps.theme_gaps output (the columns action_effect reads, and more)."""
    return pd.DataFrame([
        {"theme": theme, "name": "", "kind": "", "wave_id": wave.id, "wave": wave.title, "opens_on": wave.opens_on,
         "comments": 10, "share": share, "negative_share": 0.1, "mean_sentiment": sentiment}
        for theme, wave, share, sentiment in rows
    ])


def test_effect_compares_the_baseline_with_the_latest_later_wave(engine):
    with Session(engine) as session:
        w1, w2, w3, w4 = add_waves(session, date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1), date(2026, 10, 1))
        action = new_action(session, today=date(2026, 4, 20))
        assert action.baseline_wave_id == w2.id
        gaps = gaps_frame([
            ("tools", w1, 0.40, -0.50), ("tools", w2, 0.31, -0.41), ("morale", w2, 0.20, -0.30),
            ("tools", w3, 0.27, -0.30), ("tools", w4, 0.22, -0.18), ("morale", w4, 0.25, -0.2),
        ])
        effect = action_effect(session=session, action_id=action.id, gaps=gaps)
    assert (effect.baseline_wave, effect.later_wave, effect.theme_name) == (
        "Pulse wave 2", "Pulse wave 4", "Tools and systems")
    assert (effect.share_before, effect.share_after) == (0.31, 0.22)
    assert effect.share_change == pytest.approx(-9)
    assert (effect.sentiment_before, effect.sentiment_after) == (-0.41, -0.18)
    assert effect.sentiment_change == pytest.approx(0.23)
    assert effect.sentence == ("Since the action (baseline Pulse wave 2), Tools and systems went from 31 % to 22 % "
                               "of all teams' comments (−9 points) and mean sentiment from −0.41 to −0.18.")


def test_an_effect_measured_on_a_wave_still_in_progress_says_it_is_not_like_for_like(engine):
    """An outside walk read a two-team open wave credited with moving themes of teams it never asked."""
    with Session(engine) as session:
        w1, w2 = add_waves(session, date(2026, 1, 1), date(2026, 4, 1))
        action = new_action(session, today=date(2026, 1, 20))
        gaps = gaps_frame([("tools", w1, 0.18, -0.2), ("tools", w2, 0.33, -0.4)])
        notes = {w2.id: "in progress: 2 of 8 teams reportable so far"}
        effect = action_effect(session=session, action_id=action.id, gaps=gaps, wave_notes=notes)
        plain = action_effect(session=session, action_id=action.id, gaps=gaps, wave_notes={w1.id: "partial: 1 of 8"})
    assert effect.sentence.endswith(" Not like for like: Pulse wave 2 is in progress with 2 of 8 teams reportable "
                                    "so far.")
    assert "like for like" not in plain.sentence  # a note on the baseline's wave says nothing of the later one


def test_effect_when_the_theme_disappears_from_the_later_wave(engine):
    with Session(engine) as session:
        w1, w2 = add_waves(session, date(2026, 1, 1), date(2026, 4, 1))
        action = new_action(session, today=date(2026, 1, 20))
        gaps = gaps_frame([("tools", w1, 0.12, -0.2), ("morale", w2, 0.5, -0.1)])
        effect = action_effect(session=session, action_id=action.id, gaps=gaps)
    assert (effect.share_before, effect.share_after, effect.sentiment_after) == (0.12, 0.0, None)
    assert effect.sentiment_change is None
    assert effect.sentence == ("Since the action (baseline Pulse wave 1), Tools and systems went from 12 % to 0 % "
                               "of all teams' comments (−12 points); no comment raised it in Pulse wave 2, so there "
                               "is no sentiment to compare.")


def test_effect_before_any_later_wave_has_closed(engine):
    with Session(engine) as session:
        w1, w2 = add_waves(session, date(2026, 1, 1), date(2026, 4, 1))
        action = new_action(session, today=date(2026, 4, 10))
        gaps = gaps_frame([("tools", w1, 0.3, -0.3), ("tools", w2, 0.2, -0.2)])
        effect = action_effect(session=session, action_id=action.id, gaps=gaps, today=date(2026, 4, 20))
    assert effect.baseline_wave == "Pulse wave 2" and effect.later_wave is None
    assert effect.share_after is None and effect.share_change is None
    assert effect.sentence == "No wave has closed since the action was recorded; the effect shows after the next wave."


def test_effect_when_a_later_wave_closed_but_is_not_reported(engine):
    with Session(engine) as session:
        w1, _ = add_waves(session, date(2026, 1, 1), date(2026, 4, 1))
        action = new_action(session, today=date(2026, 1, 10))
        gaps = gaps_frame([("tools", w1, 0.3, -0.3)])
        effect = action_effect(session=session, action_id=action.id, gaps=gaps, today=date(2026, 5, 1))
    assert effect.later_wave is None and effect.share_before is None
    assert effect.sentence.startswith("Pulse wave 2 has closed since the action was recorded, but has too few")


def test_effect_when_the_baseline_wave_is_suppressed_or_not_analysed(engine):
    with Session(engine) as session:
        _, w2 = add_waves(session, date(2026, 1, 1), date(2026, 4, 1))
        action = new_action(session, today=date(2026, 1, 10))
        for gaps in (gaps_frame([("tools", w2, 0.2, -0.2)]), pd.DataFrame()):
            effect = action_effect(session=session, action_id=action.id, gaps=gaps)
            assert effect.baseline_wave == "Pulse wave 1"
            assert (effect.share_before, effect.share_after, effect.share_change, effect.sentiment_before,
                    effect.sentiment_after, effect.sentiment_change, effect.later_wave) == (None,) * 7
            assert "cannot be compared with Pulse wave 1" in effect.sentence
        without_baseline = new_action(session, today=date(2025, 12, 1))
        assert action_effect(session=session, action_id=without_baseline.id, gaps=pd.DataFrame()) is None
        with pytest.raises(FrontlineError, match="No action"):
            action_effect(session=session, action_id=12345, gaps=pd.DataFrame())


def test_an_unreported_wave_open_at_the_action_falls_back_to_the_last_reported_one_before_it(engine):
    """A one-team pilot open when the action was recorded is never reported: the wave before it is the baseline,
    and the effect is measured from there to the latest reported wave after the action."""
    with Session(engine) as session:
        w1, pilot, w3 = add_waves(session, date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1))
        action = new_action(session, today=date(2026, 4, 10))
        gaps = gaps_frame([("tools", w1, 0.3, -0.3), ("tools", w3, 0.2, -0.1)])
        effect = action_effect(session=session, action_id=action.id, gaps=gaps, today=date(2026, 8, 1))
    assert (effect.baseline_wave, effect.later_wave) == ("Pulse wave 1", "Pulse wave 3")
    assert effect.share_change == pytest.approx(-10)
    assert effect.sentence.startswith("Since the action (baseline Pulse wave 1), Tools")


def test_deleting_the_baseline_wave_keeps_the_action(engine):
    with Session(engine) as session:
        (wave,) = add_waves(session, date(2026, 1, 1))
        action_id = new_action(session, today=date(2026, 2, 1)).id
        session.commit()
        session.delete(wave)
        session.commit()
    with Session(engine) as session:
        assert session.get(Action, action_id).baseline_wave_id is None


def test_upgrade_from_0004_keeps_data_and_adds_actions(empty_db_url):
    engine = make_engine(empty_db_url)
    upgrade(engine, "0004")
    assert "actions" not in inspect(engine).get_table_names()
    with Session(engine) as session:
        session.add(Study(title="Customer Service Week interviews", purpose="kept"))
        session.commit()
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    inspector = inspect(engine)
    assert "actions" in inspector.get_table_names()
    assert any("status" in c["sqltext"] for c in inspector.get_check_constraints("actions"))
    assert [fk["referred_table"] for fk in inspector.get_foreign_keys("actions")] == ["pulse_waves"]
    with Session(engine) as session:
        assert [(s.title, s.purpose) for s in session.scalars(select(Study))] == [
            ("Customer Service Week interviews", "kept")]
        new_action(session)
        session.commit()
    engine.dispose()


def test_a_deleted_action_is_gone_for_staff_and_agents(engine):
    with Session(engine) as session:
        kept = new_action(session, published=True)
        wrong = new_action(session, title="Recorded twice by mistake", published=True)
        assert delete_action(session=session, action_id=wrong.id) == "Recorded twice by mistake"
        assert list(actions_table(session=session)["id"]) == [kept.id]
        assert [a.title for a in published_actions(session=session)] == ["Replace the CRM search"]
        with pytest.raises(FrontlineError, match="No action"):
            delete_action(session=session, action_id=wrong.id)


def test_an_action_not_done_by_its_due_date_reads_overdue():
    from research.findings.actions import due_note

    today = date(2026, 12, 6)
    assert due_note(date(2025, 1, 1), "planned", today) == "overdue since 01 January 2025"
    assert due_note(date(2026, 12, 5), "in progress", today) == "overdue since 05 December 2026"
    assert due_note(date(2025, 1, 1), "done", today) == "due 01 January 2025"
    assert due_note(date(2026, 12, 6), "planned", today) == "due 06 December 2026"
    assert due_note(None, "planned", today) == ""


def team_comments(waves_teams):
    """Analysed comments: per (wave, team, people, of whom raise tools), one comment per person."""
    rows = []
    for wave, team, people, raising in waves_teams:
        rows += [{"response_id": f"{wave.id}-{team}-{n}", "wave_id": wave.id, "wave": wave.title,
                  "opens_on": wave.opens_on, "team": team, "theme": "tools" if n < raising else "pay",
                  "sentiment": -0.5} for n in range(people)]
    return pd.DataFrame(rows)


def test_an_action_for_one_team_is_measured_on_that_teams_comments_alone(engine):
    """An executive read "hire for Tech Support L1" credited with the whole organisation's move."""
    from research.privacy.reporting import Thresholds
    from research.store.models import PulseSegment

    with Session(engine) as session:
        w1, w2 = add_waves(session, date(2026, 1, 1), date(2026, 4, 1))
        session.add_all(PulseSegment(wave_id=w.id, team=t) for w in (w1, w2) for t in ("Billing", "Night desk"))
        session.flush()
        with pytest.raises(FrontlineError, match="Unknown team 'Billing desk'"):
            new_action(session, team="Billing desk", today=date(2026, 1, 20))
        action = new_action(session, team=" Billing ", today=date(2026, 1, 20))
        org_wide = new_action(session, today=date(2026, 1, 20))
        gaps = gaps_frame([("tools", w1, 0.40, -0.5), ("tools", w2, 0.45, -0.5)])
        comments = team_comments([(w1, "Billing", 10, 6), (w2, "Billing", 10, 2),
                                  (w1, "Night desk", 10, 2), (w2, "Night desk", 10, 7)])
        limits = Thresholds(scores=5, comments=10)
        effect = action_effect(session=session, action_id=action.id, gaps=gaps, comments=comments, thresholds=limits)
        whole = action_effect(session=session, action_id=org_wide.id, gaps=gaps, comments=comments, thresholds=limits)
        assert actions_table(session=session)["For"].tolist() == ["All teams", "Billing"]
        # Billing's people at the threshold in one wave only: nothing of that team is shown.
        thin = action_effect(session=session, action_id=action.id, gaps=gaps, thresholds=limits,
                             comments=team_comments([(w1, "Billing", 10, 6), (w2, "Billing", 9, 2),
                                                     (w1, "Night desk", 10, 2), (w2, "Night desk", 10, 7)]))
    assert (effect.share_before, effect.share_after, effect.sentiment_before) == (0.6, 0.2, None)
    assert effect.sentence == ("Since the action (baseline Pulse wave 1), Tools and systems went from 60 % to 20 % "
                               "of Billing's comments (−40 points).")
    assert "of all teams' comments (+5 points)" in whole.sentence
    assert thin.share_after is None and thin.sentence.startswith(
        "Tools and systems in Billing cannot be compared yet: fewer than 10 of its people wrote a comment in "
        "Pulse wave 2")
