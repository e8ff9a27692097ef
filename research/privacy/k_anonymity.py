"""Which attributes may be shown beside what a person said, so that the attributes do not point to them.

A quote shown with its speaker's industry, role and channel names the speaker
whenever only one participant has that combination: in the demo study 20 of
24 participants are unique on it. Pseudonyms do not help, since the attributes
alone pick the person out. So attributes are released only as far as at least
``k`` people share what is shown (k-anonymity): the shown values of every
person fall in a group of at least ``k`` people whose shown values are the
same, and a reader who knows everyone's attributes and this rule can narrow a
quote down to that group and no further.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from research.privacy.reporting import hidden_groups

WITHHELD = ""  # what a withheld attribute shows as (an attribute that was never set shows the same)


def k_anonymous_attributes(people: pd.DataFrame, columns: Sequence[str], k: int) -> pd.DataFrame:
    """The values of ``columns`` that may be shown for each person; the others become ``WITHHELD``.

    ``people`` has one row per person (count people, not quotes: someone quoted
    three times is still one person), and only the people who may be counted
    (withdrawn participants left out). ``columns`` are in the order of what to
    keep longest: the first is withheld last. The columns are released as a
    tree, like nested breakdowns with complementary suppression
    (:func:`research.privacy.reporting.hidden_groups`): the first column's
    values shared by at least ``k`` people are shown, the smaller ones are
    withheld together with enough others that the withheld people are at least
    ``k`` too; then, within each of those groups (the withheld one included),
    the next column is released the same way, and so on. Every person's row of
    shown values is therefore shared by at least ``k`` people, unless fewer
    than ``k`` people are given at all, in which case nothing is shown.

    Why a tree and not one set of columns for everyone: a single small
    industry would otherwise hide the industry of all, and people whose
    industry is withheld can still show a role that many share. The order is
    fixed rather than searched for the most information, so that the groups of
    the first column are the same for everyone, and a breakdown shown beside
    the quotes by that column (interview evidence by industry) can use exactly
    these groups without letting a reader intersect two different cuts.

    Args:
        people: one row per person; the values of ``columns`` are compared as text, missing as blank.
        columns: the attributes that would be shown, most worth keeping first.
        k: the fewest people a shown combination may describe (the score threshold).

    Returns:
        A frame with the same index as ``people`` and the given ``columns``.
    """
    columns = list(columns)
    if k < 1:
        raise ValueError("k must be at least 1")
    values = [[WITHHELD if pd.isna(v) else str(v) for v in people[column]] for column in columns]
    shown = [[WITHHELD] * len(people) for _ in columns]
    pending = [(list(range(len(people))), 0)]
    while pending:
        members, depth = pending.pop()
        if depth == len(columns) or not members:
            continue
        groups: dict[str, list[int]] = {}
        for person in members:
            groups.setdefault(values[depth][person], []).append(person)
        hidden = hidden_groups({value: len(group) for value, group in groups.items()}, k)
        withheld = []
        for value, group in groups.items():
            if value in hidden:
                withheld.extend(group)
            else:
                for person in group:
                    shown[depth][person] = value
                pending.append((group, depth + 1))
        if withheld:
            pending.append((withheld, depth + 1))
    return pd.DataFrame(dict(zip(columns, shown)), index=people.index, columns=columns, dtype=object)


def smallest_group(shown: pd.DataFrame) -> int:
    """The fewest people sharing one row of shown values (0 for no people): what an attacker can narrow to."""
    if shown.empty:
        return 0
    return int(shown.groupby(list(shown.columns), dropna=False).size().min()) if len(shown.columns) else len(shown)


def k_anonymous_over_steps(people: pd.DataFrame, columns: Sequence[str], k: int,
                           steps: Sequence[int]) -> pd.DataFrame:
    """What :func:`k_anonymous_attributes` may show now, when the same page was also read after every earlier step.

    People are released in steps (``steps[i]`` is the step that released ``people.iloc[i]``; non-decreasing).
    A reader who saw the page after each step knows a quote's speaker was among those released by the step that
    first showed it, and combines every value ever shown beside it: "retail" then, "retail, senior agent" now.
    Each look is therefore computed in turn, as the tree over everyone released by then, and a person whose
    values seen so far, with the new ones, would match fewer than ``k`` of the people released with their first
    step has the new values withheld: their own values are blanked before the tree runs again, so every row
    still falls in a group of at least ``k`` within the look, and the by-industry groups stay the tree's. Only
    withholding ever happens, so the looks settle. The looks are recomputed from the same places and frozen
    attributes every time, so the look after step ``s`` is the one a reader saw then (a withdrawal since,
    which takes a person out of every look, is the exception).

    Returns:
        The last step's look: a frame with the same index as ``people`` and the given ``columns``.
    """
    columns = list(columns)
    values = [tuple(WITHHELD if pd.isna(v) else str(v) for v in row) for row in people[columns].itertuples(index=False)]
    seen: list[dict[int, str]] = [{} for _ in values]
    look = pd.DataFrame(WITHHELD, index=people.index, columns=columns, dtype=object)
    for step in sorted(set(steps)):
        now = [i for i, s in enumerate(steps) if s <= step]
        masked = [list(values[i]) for i in now]
        while True:
            frame = pd.DataFrame(masked, columns=columns, dtype=object)
            shown = k_anonymous_attributes(frame, columns, k).to_numpy()
            narrowed = []
            for row, person in enumerate(now):
                known = {**seen[person], **{c: v for c, v in enumerate(shown[row]) if v != WITHHELD}}
                if len(known) > len(seen[person]) and _matching(values, steps, steps[person], known) < k:
                    narrowed.append(row)
            if not narrowed:
                break
            for row in narrowed:
                for column, value in enumerate(shown[row]):
                    if value != WITHHELD and column not in seen[now[row]]:
                        masked[row][column] = WITHHELD
        for row, person in enumerate(now):
            seen[person].update({c: v for c, v in enumerate(shown[row]) if v != WITHHELD})
        look = pd.DataFrame(shown, index=people.index[now], columns=columns, dtype=object)
    return look


def _matching(values: list[tuple[str, ...]], steps: Sequence[int], step: int, known: dict[int, str]) -> int:
    """How many of the people released by ``step`` have every value in ``known`` (column index to value)."""
    return sum(1 for row, s in zip(values, steps)
               if s <= step and all(row[column] == value for column, value in known.items()))
