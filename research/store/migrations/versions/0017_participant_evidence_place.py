"""Each interviewed participant keeps their place in the order interview evidence releases people, past withdrawal.

Until now the order was read from their first note's id, and a withdrawal erases the notes, so a withdrawn
agent's place went to the first agent waiting to be counted. Places are given from the notes already saved
(first note first, within each study); participants who withdrew before this revision have no notes left and
get none.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def _first_notes(bind) -> list[tuple[int, int]]:
    """(participant id, study id) of every participant with a note, in the order their first note was saved."""
    rows = bind.execute(sa.text(
        "SELECT p.id, p.study_id, MIN(n.id) AS first_note FROM participants p "
        "JOIN interviews i ON i.participant_id = p.id AND i.study_id = p.study_id "
        "JOIN interview_notes n ON n.interview_id = i.id "
        "GROUP BY p.id, p.study_id ORDER BY first_note, p.id")).all()
    return [(row[0], row[1]) for row in rows]


def upgrade() -> None:
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence_place', sa.Integer(), nullable=True))
    bind = op.get_bind()
    places: dict[int, int] = {}
    update = sa.text("UPDATE participants SET evidence_place = :place WHERE id = :id")
    for participant, study in _first_notes(bind):
        places[study] = places.get(study, 0) + 1
        bind.execute(update, {"place": places[study], "id": participant})
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.create_index('ix_participants_study_evidence_place', ['study_id', 'evidence_place'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_index('ix_participants_study_evidence_place')
        batch_op.drop_column('evidence_place')
