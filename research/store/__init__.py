"""Engine, models, migrations and session helpers.

Models kept outside ``models`` are imported here so ``Base.metadata`` (the
migrations' comparison, backups, test truncation) always holds their tables.
"""

from research.store import form_submissions, note_drafts, staff_drafts, staff_sessions  # noqa: F401  (registers their tables)
