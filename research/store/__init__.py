"""Engine, models, migrations and session helpers.

Models kept outside ``models`` are imported here so ``Base.metadata`` (the
migrations' comparison, backups, test truncation) always holds their tables.
"""

from research.store import staff_sessions  # noqa: F401  (registers staff_sessions on Base.metadata)
