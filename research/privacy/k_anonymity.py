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


def k_anonymous_by_steps(people: pd.DataFrame, columns: Sequence[str], k: int,
                         steps: Sequence[int]) -> pd.DataFrame:
    """What may be shown for each person when people are released in steps (``steps[i]`` is the step that released
    ``people.iloc[i]``) and the page may be read after every step.

    The reader: one who knows everyone's attributes and the calendar of steps, and reads the page after each. A
    quote, or a count that moved, first seen after step ``s`` is one of the people step ``s`` released, not one
    of everyone released by then; and rows beside quotes can be worked out for everyone (they depend on no one's
    words), so the whole history of a speaker's row, blanks included, is compared with the histories of the
    others of their step. So every row is decided for a step as a whole: a column shows the value that all of a
    step's people share, or nothing; a step with fewer than ``k`` people (after withdrawals) shows nothing. Those
    rows then go through :func:`k_anonymous_attributes`, which only ever withholds whole groups of equal values,
    so every shown row is shared by at least ``k`` people now, and a step's people share one row in every look:
    a reader narrows a speaker to their step and no further (a withdrawal, which shrinks a step, aside).

    Returns:
        A frame with the same index as ``people`` and the given ``columns``.
    """
    columns = list(columns)
    common = pd.DataFrame({c: [WITHHELD if pd.isna(v) else str(v) for v in people[c]] for c in columns},
                          index=people.index, dtype=object)
    by_step = pd.Series(list(steps), index=people.index)
    for _, members in by_step.groupby(by_step).groups.items():
        for column in columns:
            shared = set(common.loc[members, column])
            if len(members) < k or len(shared) != 1:
                common.loc[members, column] = WITHHELD
    return k_anonymous_attributes(common, columns, k)
