"""Inter-coder agreement: hand-computed kappa, the segment rule, and the database wrapper."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from interviews.agreement import (
    CodedSpan,
    Disagreement,
    agreement_table,
    coders,
    compute_agreement,
    disagreements_table,
    sentence_spans,
    study_agreement,
)
from research.errors import FrontlineError
from research.store.models import Code, Excerpt, GuideQuestion, Interview, InterviewNote, Participant, Study

CODEBOOK = ["tools", "morale", "training"]

# Ten sentences. Coder A / coder B codes per sentence:
#   1-3  tools / tools        4  tools / -        5  - / tools
#   6-9  morale / morale     10  morale / -
SENTENCES = [f"Sentence {i} about the job." for i in range(1, 11)]
CODING_A = [{"tools"}] * 4 + [set()] + [{"morale"}] * 5
CODING_B = [{"tools"}] * 3 + [set(), {"tools"}] + [{"morale"}] * 4 + [set()]


def build(sentences, coding_a, coding_b, fillers=()):
    """One note of the sentences (with uncoded ``fillers`` interleaved) and spans covering each coded sentence."""
    parts = []
    for i, sentence in enumerate(sentences):
        if i < len(fillers):
            parts.append(fillers[i])
        parts.append(sentence)
    body = " ".join(parts)
    spans = []
    for sentence, a, b in zip(sentences, coding_a, coding_b):
        start = body.index(sentence)
        for coder, codes in (("alice", a), ("bob", b)):
            if codes:
                spans.append(CodedSpan(1, coder, start, start + len(sentence), frozenset(codes)))
    return {1: body}, spans


def row(report, code):
    return report.per_code.set_index("code").loc[code]


def test_ten_unit_example_matches_hand_computed_kappa():
    notes, spans = build(SENTENCES, CODING_A, CODING_B)
    report = compute_agreement(notes, spans, "alice", "bob", CODEBOOK)

    assert report.units == 10
    # tools: both 3, only A 1, only B 1, neither 5; n = 10.
    #   po = (3 + 5) / 10 = 0.8;  pA = 4/10, pB = 4/10
    #   pe = 0.4 * 0.4 + 0.6 * 0.6 = 0.16 + 0.36 = 0.52
    #   kappa = (0.8 - 0.52) / (1 - 0.52) = 0.28 / 0.48 = 0.58333...
    tools = row(report, "tools")
    assert (tools.both, tools.only_a, tools.only_b, tools.neither) == (3, 1, 1, 5)
    assert tools.percent_agreement == pytest.approx(80.0)
    assert tools.kappa == pytest.approx(0.583333, abs=1e-6)
    # morale: both 4, only A 1, only B 0, neither 5.
    #   po = 9/10 = 0.9;  pA = 5/10, pB = 4/10
    #   pe = 0.5 * 0.4 + 0.5 * 0.6 = 0.2 + 0.3 = 0.5
    #   kappa = (0.9 - 0.5) / (1 - 0.5) = 0.8
    morale = row(report, "morale")
    assert (morale.both, morale.only_a, morale.only_b, morale.neither) == (4, 1, 0, 5)
    assert morale.percent_agreement == pytest.approx(90.0)
    assert morale.kappa == pytest.approx(0.8)
    # Pooled over the codes either coder used, tools + morale (training, used by neither, would only add
    # ten "both said no" cells and lift kappa to 0.754): both 7, only A 2, only B 1, neither 10; n = 20.
    #   po = 17/20 = 0.85;  pA = 9/20 = 0.45, pB = 8/20 = 0.4
    #   pe = 0.45 * 0.4 + 0.55 * 0.6 = 0.18 + 0.33 = 0.51
    #   kappa = (0.85 - 0.51) / (1 - 0.51) = 0.34 / 0.49 = 0.693878...
    assert report.overall_percent == pytest.approx(85.0)
    assert report.overall_kappa == pytest.approx(0.693878, abs=1e-6)


def test_per_code_kappa_matches_sklearn():
    from sklearn.metrics import cohen_kappa_score

    notes, spans = build(SENTENCES, CODING_A, CODING_B)
    report = compute_agreement(notes, spans, "alice", "bob", CODEBOOK)
    for code in ("tools", "morale"):
        a = [code in codes for codes in CODING_A]
        b = [code in codes for codes in CODING_B]
        assert row(report, code).kappa == pytest.approx(cohen_kappa_score(a, b))


def test_a_codebook_of_unused_codes_does_not_lift_the_overall_kappa():
    notes, spans = build(SENTENCES, CODING_A, CODING_B)
    small = compute_agreement(notes, spans, "alice", "bob", ["tools", "morale"])
    large = compute_agreement(notes, spans, "alice", "bob", [*CODEBOOK, *(f"unused{i}" for i in range(8))])

    assert large.overall_kappa == pytest.approx(small.overall_kappa)
    assert large.overall_percent == pytest.approx(small.overall_percent)


def test_agreement_table_has_human_headers_and_rounded_figures():
    notes, spans = build(SENTENCES, CODING_A, CODING_B)
    report = compute_agreement(notes, spans, "alice", "bob", CODEBOOK)
    shown = agreement_table(report.per_code, names={"tools": "Tools and systems"}, coder_a="alice", coder_b="bob")

    assert list(shown.columns) == ["Code", "Segments", "Both coded", "Only alice", "Only bob", "Neither",
                                   "Agreement", "Cohen's kappa", "Note"]
    tools = shown.set_index("Code").loc["Tools and systems"]
    assert (tools["Agreement"], tools["Cohen's kappa"]) == ("80 %", "0.58")
    assert shown.set_index("Code").loc["training", "Cohen's kappa"] == "n/a"
    assert "None" not in shown.astype(str).to_numpy()


def test_disagreements_list_the_differing_sentences_with_both_codings():
    notes, spans = build(SENTENCES, CODING_A, CODING_B)
    report = compute_agreement(notes, spans, "alice", "bob", CODEBOOK)

    body = notes[1]
    assert [(d.text, d.codes_a, d.codes_b) for d in report.disagreements] == [
        (SENTENCES[3], ("tools",), ()),
        (SENTENCES[4], (), ("tools",)),
        (SENTENCES[9], ("morale",), ()),
    ]
    first = report.disagreements[0]
    assert body[first.start:first.end] == SENTENCES[3] and first.note_id == 1


def test_code_nobody_used_has_no_kappa_but_full_percent_agreement():
    notes, spans = build(SENTENCES, CODING_A, CODING_B)
    training = row(compute_agreement(notes, spans, "alice", "bob", CODEBOOK), "training")

    assert training.kappa is None
    assert training.note == "used by neither coder on the interviews both coded"
    assert training.percent_agreement == pytest.approx(100.0)
    assert training.neither == 10


def test_perfect_agreement_gives_kappa_one():
    coding = [{"tools"}, {"morale"}, {"tools", "morale"}]
    notes, spans = build(SENTENCES[:3], coding, coding)
    report = compute_agreement(notes, spans, "alice", "bob", ["tools", "morale"])

    # tools: both 2, neither 1 -> po = 1, pe = (2/3)^2 + (1/3)^2 = 5/9, kappa = (1 - 5/9) / (1 - 5/9) = 1.
    assert row(report, "tools").kappa == pytest.approx(1.0)
    assert row(report, "morale").kappa == pytest.approx(1.0)
    assert report.overall_kappa == pytest.approx(1.0)
    assert report.overall_percent == pytest.approx(100.0)
    assert report.disagreements == []


def test_code_both_applied_everywhere_has_no_kappa():
    notes, spans = build(SENTENCES[:2], [{"tools"}] * 2, [{"tools"}] * 2)
    tools = row(compute_agreement(notes, spans, "alice", "bob", ["tools"]), "tools")

    assert tools.kappa is None
    assert tools.note == "applied to every segment by both"
    assert tools.percent_agreement == pytest.approx(100.0)


def test_uncoded_sentences_do_not_change_agreement():
    fillers = ["Nobody coded this line.", "Nor this one!", "Small talk about the weather?"]
    plain = compute_agreement(*build(SENTENCES, CODING_A, CODING_B), "alice", "bob", CODEBOOK)
    padded_notes, padded_spans = build(SENTENCES, CODING_A, CODING_B, fillers)
    padded_notes[2] = "A whole answer that no one coded. It has two sentences."
    padded = compute_agreement(padded_notes, padded_spans, "alice", "bob", CODEBOOK)

    assert padded.units == plain.units == 10
    assert padded.per_code.equals(plain.per_code)
    assert padded.overall_kappa == pytest.approx(plain.overall_kappa)


def test_short_excerpt_inside_a_long_sentence_codes_the_sentence():
    body = "The knowledge base is missing half the refund steps, so I put customers on hold and ask around."
    start = body.index("knowledge base")
    spans = [
        CodedSpan(1, "alice", start, start + len("knowledge base"), frozenset({"tools"})),  # 14 of 95 chars
        CodedSpan(1, "bob", 0, len(body), frozenset({"tools"})),
    ]
    report = compute_agreement({1: body}, spans, "alice", "bob", ["tools"])

    assert report.units == 1
    assert row(report, "tools").both == 1
    assert report.disagreements == []


def test_span_touching_the_next_sentence_does_not_code_it():
    first, second = "The CRM froze twice today.", "My manager said to log a ticket and keep going."
    body = f"{first} {second}"
    spill = len(first) + 1 + 3  # all of the first sentence plus "My " of the second
    spans = [CodedSpan(1, "alice", 0, spill, frozenset({"tools"})),
             CodedSpan(1, "bob", 0, len(first), frozenset({"tools"}))]
    report = compute_agreement({1: body}, spans, "alice", "bob", ["tools"])

    assert report.units == 1  # the second sentence is coded by nobody
    assert report.disagreements == []
    # Covering more than half of the second sentence does code it.
    half = len(first) + 1 + len(second) // 2 + 2
    spans[0] = CodedSpan(1, "alice", 0, half, frozenset({"tools"}))
    report = compute_agreement({1: body}, spans, "alice", "bob", ["tools"])
    assert report.units == 2
    assert [d.text for d in report.disagreements] == [second]


def test_sentence_spans_keep_offsets_and_drop_blank_units():
    text = "  Queue was huge. Why?\n\nNo breaks!  \"Enough.\" Then home\n \n"
    spans = sentence_spans(text)

    assert [text[s:e] for s, e in spans] == ["Queue was huge.", "Why?", "No breaks!", "\"Enough.\"", "Then home"]
    assert spans[0] == (2, 17)
    assert sentence_spans("   \n\n ") == []


def test_same_coder_twice_is_refused():
    with pytest.raises(FrontlineError, match="two different coders"):
        compute_agreement({1: "Text."}, [], "alice", "alice", CODEBOOK)


def test_nothing_coded_gives_an_empty_report():
    notes = {1: "Some sentence. Another one."}
    others = [CodedSpan(1, "carol", 0, 14, frozenset({"tools"}))]  # a third coder does not count
    for spans in ([], others):
        report = compute_agreement(notes, spans, "alice", "bob", CODEBOOK)
        assert report.units == 0
        assert report.overall_kappa is None and report.overall_percent is None
        assert report.per_code.empty and report.disagreements == []


def _codes(session: Session) -> dict[str, Code]:
    """The codebook the migration seeds (tests/conftest.py puts it back after truncating)."""
    return {c.key: c for c in session.scalars(select(Code))}


def test_study_agreement_from_the_database(engine):
    with Session(engine) as session:
        codes = _codes(session)
        study = Study(title="CS Week interviews")
        question = GuideQuestion(study=study, position=1, text="What slows you down?")
        p07 = Participant(study=study, code="P07", consent_given=True)
        p08 = Participant(study=study, code="P08", consent_given=True)
        session.add_all([study, question, p07, p08])
        session.flush()
        shared = Interview(study_id=study.id, participant=p07, interviewer="alice")
        solo = Interview(study_id=study.id, participant=p08, interviewer="alice")
        asked = InterviewNote(interview=shared, guide_question_id=question.id, position=0,
                              body="The CRM freezes. I stay late most days.")
        free = InterviewNote(interview=shared, position=1, label="Anything else?", body="Nobody says thanks.")
        untouched = InterviewNote(interview=solo, position=0, body="The phones drop calls.")
        session.add_all([shared, solo, asked, free, untouched])
        session.flush()

        def excerpt(note, coder, start, end, *keys):
            session.add(Excerpt(note_id=note.id, coder=coder, span_start=start, span_end=end,
                                text=note.body[start:end], codes=[codes[k] for k in keys]))

        excerpt(asked, "alice", 0, 16, "tools")
        excerpt(asked, "bob", 0, 16, "tools")
        excerpt(asked, "alice", 17, 39, "workload")
        excerpt(asked, "bob", 17, 39, "workload", "morale")
        excerpt(free, "bob", 0, 19, "recognition")
        excerpt(untouched, "alice", 0, 22, "tools")  # only alice coded P08: not comparable
        session.commit()

        assert coders(session=session, study_id=study.id) == ["alice", "bob"]
        report = study_agreement(session=session, study_id=study.id, coder_a="alice", coder_b="bob")
        assert report.units == 3  # the P08 sentence is left out
        assert row(report, "tools").both == 1 and row(report, "tools").neither == 2
        assert row(report, "pay").note == "used by neither coder on the interviews both coded"
        assert report.disagreements == [
            Disagreement(asked.id, 17, 39, "I stay late most days.", ("workload",), ("morale", "workload")),
            Disagreement(free.id, 0, 19, "Nobody says thanks.", (), ("recognition",)),
        ]

        table = disagreements_table(session=session, report=report)
        assert list(table.columns) == ["Participant", "Question", "Segment", "alice", "bob"]
        assert table.to_dict("records") == [
            {"Participant": "P07", "Question": "What slows you down?", "Segment": "I stay late most days.",
             "alice": "Workload and staffing", "bob": "Morale and burnout, Workload and staffing"},
            {"Participant": "P07", "Question": "Anything else?", "Segment": "Nobody says thanks.",
             "alice": "", "bob": "Recognition"},
        ]


def test_kappas_side_by_side_keep_every_pair_even_when_names_collide():
    import pandas as pd

    from interviews.agreement import AgreementReport, kappas_side_by_side

    def report(a, b, kappa):
        per_code = pd.DataFrame({"code": ["pay", "tools"], "kappa": pd.Series([kappa, None], dtype=object)})
        return AgreementReport(a, b, per_code, kappa, 90.0, 10)

    table = kappas_side_by_side([report("ana", "the model", 0.5), report("ana", "(model)", 0.25)],
                                names={"pay": "Pay", "tools": "Tools and systems"},
                                coder_names={"(model)": "the model"})
    assert list(table.columns) == ["Code", "ana and the model", "ana and the model (again)"]
    assert table.to_dict("list") == {"Code": ["All codes either used", "Pay", "Tools and systems"],
                                     "ana and the model": ["0.50", "0.50", "n/a"],
                                     "ana and the model (again)": ["0.25", "0.25", "n/a"]}


def test_a_code_one_side_never_gave_reads_zero_and_says_who_never_gave_it():
    """The model rarely gives a rare code; its kappa of 0.00 beside a researcher read as disagreement, when the
    model had simply never given it."""
    from interviews.agreement import kappas_side_by_side

    coding_a = [{"tools"}] * 4 + [{"training"}] * 2 + [{"morale"}] * 4
    coding_b = [{"tools"}] * 4 + [set()] * 2 + [{"morale"}] * 4
    notes, spans = build(SENTENCES, coding_a, coding_b)
    report = compute_agreement(notes, spans, "alice", "bob", CODEBOOK)
    assert row(report, "training")["kappa"] == 0
    assert row(report, "training")["note"] == "used by one coder only, so kappa is 0 however often the other used it"
    assert row(report, "tools")["note"] == ""
    table = kappas_side_by_side([report], names={}, coder_names={"bob": "the model"}).set_index("Code")
    assert table.loc["training", "alice and the model"] == "0.00 (the model never gave it; from only 2 coded sentences)"
    assert table.loc["tools", "alice and the model"] == "1.00"


def test_a_kappa_from_one_or_two_coded_sentences_says_how_few_it_rests_on():
    """A walk read "Headsets and audio: 1.00" from one sentence as as strong as the kappas from dozens."""
    from interviews.agreement import kappas_side_by_side

    coding_a = [{"tools"}] * 4 + [{"training"}] + [set()] + [{"morale"}] * 4
    coding_b = [{"tools"}] * 4 + [{"training"}] + [set()] + [{"morale"}] * 4
    notes, spans = build(SENTENCES, coding_a, coding_b)
    table = kappas_side_by_side([compute_agreement(notes, spans, "alice", "bob", CODEBOOK)], names={})
    table = table.set_index("Code")
    assert table.loc["training", "alice and bob"] == "1.00 (from only 1 coded sentence)"
    assert table.loc["tools", "alice and bob"] == "1.00"
