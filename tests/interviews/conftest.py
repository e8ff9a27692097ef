"""A study with a guide and consenting and non-consenting participants, on each backend."""

from __future__ import annotations

import pytest

from interviews.notes import start_interview
from interviews.studies import GuideItem, add_participant, create_study, set_guide


@pytest.fixture
def study(session):
    """Two consenting participants (P01 retail, P02 banking), one without consent (P03), one interview for P01."""
    study = create_study(session=session, title="Test study", purpose="Tools and support")
    guide = set_guide(session=session, study_id=study.id, items=[
        GuideItem("Do you have the tools you need?", ("Which system?",)),
        GuideItem("How does management support you?"),
    ])
    p1 = add_participant(session=session, study_id=study.id, industry="retail", role="agent", channel="phone",
                         site="Leeds", consent_given=True, attributes={"shift": "evening"})
    p2 = add_participant(session=session, study_id=study.id, industry="banking", role="agent", channel="chat",
                         site="Glasgow", consent_given=True, attributes={"shift": "day"})
    p3 = add_participant(session=session, study_id=study.id, industry="retail", consent_given=False)
    interview = start_interview(session=session, study_id=study.id, participant_id=p1.id, interviewer="ana",
                                held_on=None)
    session.flush()
    return {"study": study, "participants": [p1, p2, p3], "interview": interview, "guide": guide}
