"""Import responses exported from another survey tool, with the same validation and redaction.

Each CSV row becomes one response. Rows that fail validation are reported with
their line number and reason and are not stored; the others are stored in one
transaction, so a crash mid-import leaves nothing half-written.

A file goes only into a wave that takes no answers through links: rows added to
a live wave would let whoever imports them pad a small team over the threshold,
or move its figures by one known answer at a time. For the same reason a later
file into a wave that already holds responses must add, to each segment it names,
at least the score threshold of responses (and none or at least the comment
threshold with a comment), as answers through links are released in such steps:
an insider review (2026-12-07) imported one more row into a team of twenty and
read that person's morale, workload and eNPS class off the overview's change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from research.privacy.redaction import Redactor
from research.privacy.reporting import Thresholds
from research.pulse.errors import PulseError
from research.pulse.submit import answer_rows, validate_answers
from research.store.models import PulseLink, PulseResponse, PulseWave


@dataclass
class ImportReport:
    imported: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


def import_responses(
    *,
    session,
    wave: PulseWave,
    rows: Sequence[Mapping[str, str]],
    mapping: Mapping[str, str],
    redactor: Redactor,
    default_day: date,
    segment_column: str | None = None,
    segment: str | None = None,
    date_column: str | None = None,
    steps: Thresholds,
    lines: Sequence[int] | None = None,
) -> ImportReport:
    """Store valid rows as responses; ``mapping`` maps question keys to CSV columns.

    ``lines`` are the file lines the rows start on (``CsvTable.lines``), so a rejection names the right line
    past blank lines and multi-line cells; without them row N is taken to be on line N + 1.

    Raises:
        PulseError: the mapping names an unknown question or a missing column, or no segment is given; or the
            wave holds responses already and the file adds fewer than ``steps`` to a segment (nothing stored).
    """
    _check_import(session=session, wave=wave, rows=rows, mapping=mapping, segment_column=segment_column,
                  segment=segment, date_column=date_column)
    questions = list(wave.questions)
    teams: dict[str, list] = {}
    for segment_row in wave.segments:
        teams.setdefault(segment_row.team.strip().lower(), []).append(segment_row)
    mapped_questions = [q for q in questions if q.key in mapping]
    report = ImportReport()
    accepted: list[tuple] = []
    for line, row in zip(lines or range(2, len(rows) + 2), rows):
        try:
            target = _segment_of(teams, wave, (row.get(segment_column) if segment_column else segment) or "")
            day = _day_of(wave, row[date_column]) if date_column else default_day
            clean = validate_answers(mapped_questions, {k: row.get(c) for k, c in mapping.items()})
        except PulseError as exc:
            report.rejected.append((line, str(exc)))
            continue
        if not clean:
            report.rejected.append((line, "no answers in the mapped columns"))
            continue
        accepted.append((target, day, clean))
    _check_steps(session=session, wave=wave, accepted=accepted, steps=steps)
    # One day for the whole file, its latest: a row's own day would single it out to whoever knows when a
    # colleague answered in the other tool (an insider review), as answers through links carry their release day.
    day = max((d for _, d, _ in accepted), default=default_day)
    for target, _, clean in accepted:
        response = PulseResponse(wave_id=wave.id, segment_id=target.id, submitted_on=day)
        response.answers = answer_rows(mapped_questions, clean, redactor)
        session.add(response)
    report.imported = len(accepted)
    session.flush()
    return report


def _segment_of(teams: Mapping[str, list], wave: PulseWave, team: str):
    found = teams.get(team.strip().lower(), [])
    if not found:
        raise PulseError(f"segment {team!r} is not in wave {wave.title!r}")
    if len(found) > 1:  # two segments of one name (sites apart) were filed silently under one of them
        raise PulseError(f"segment {team!r} is {len(found)} segments of wave {wave.title!r} (at "
                         f"{', '.join(sorted(s.site for s in found))}); the file cannot say which")
    return found[0]


def _day_of(wave: PulseWave, cell: str) -> date:
    try:
        day = date.fromisoformat(cell.strip()[:10])
    except ValueError:
        raise PulseError(f"date {cell!r} is not YYYY-MM-DD") from None
    if not wave.opens_on <= day <= wave.closes_on:
        raise PulseError(f"date {day.isoformat()} is outside the wave, which runs from "
                         f"{wave.opens_on.isoformat()} to {wave.closes_on.isoformat()}")
    return day


def _check_steps(*, session, wave: PulseWave, accepted: list, steps: Thresholds) -> None:
    """Refuse a later file that would move a segment's figures by fewer people than a step (see the module)."""
    if not accepted or session.scalar(select(PulseResponse.id).where(PulseResponse.wave_id == wave.id)
                                      .limit(1)) is None:
        return
    people = Counter(target.team for target, _, _ in accepted)
    writers = Counter(target.team for target, _, clean in accepted if any(isinstance(v, str) for v in clean.values()))
    short = [f"{team} gets {n}" for team, n in sorted(people.items()) if n < steps.scores]
    short += [f"{team} gets {n} with a comment" for team, n in sorted(writers.items()) if n < steps.comments]
    if short:
        raise PulseError(
            f"wave {wave.title!r} already holds responses, so a few more would move its figures by answers "
            f"anyone watching could read one by one: {'; '.join(short)}. A later file must add at least "
            f"{steps.scores} responses to each segment it names, and none or at least {steps.comments} with a "
            "comment; import them together with more rows, or into a wave of their own. Nothing was imported.")


def _check_import(*, session, wave: PulseWave, rows: Sequence[Mapping[str, str]], mapping: Mapping[str, str],
                  segment_column: str | None, segment: str | None, date_column: str | None) -> None:
    """Refuse the whole file before any row is stored, when the wave or the mapping cannot take it.

    Checked first and apart from the rows so a wrong ``--map`` never half-imports a file.

    Raises:
        PulseError: the wave takes answers through links, the mapping names an unknown question or a
            missing column, or no segment is given.
    """
    if session.scalar(select(PulseLink.id).where(PulseLink.wave_id == wave.id).limit(1)) is not None:
        raise PulseError(f"wave {wave.title!r} takes answers through links, so it takes no imported file: "
                         "import into a wave of its own")
    keys = {q.key for q in wave.questions}
    columns = set(rows[0]) if rows else set()
    unknown = sorted(set(mapping) - keys)
    if unknown:
        raise PulseError(f"--map names unknown question(s) {', '.join(unknown)}; "
                         f"the wave has {', '.join(sorted(keys))}")
    missing = sorted({c for c in mapping.values() if c not in columns}
                     | ({segment_column} - columns if segment_column else set())
                     | ({date_column} - columns if date_column else set()))
    if missing:
        raise PulseError(f"column(s) {', '.join(missing)} not in the file; it has {', '.join(sorted(columns))}")
    if not segment_column and not segment:
        raise PulseError("say which segment the rows belong to: --segment TEAM or --segment-column COLUMN")
