"""Interview evidence counts and shows each participant by the attributes they had when they got their place.

Until now it read their current industry, role and channel, so editing a released participant (a move to
another team or account) moved "raised by industry" by one and changed the attributes beside their quote,
which singled that quote out to anyone who knew of the move. Participants who already hold a place get a copy
of their current attributes, which is what evidence shows today, so upgrading changes nothing shown; withdrawn
participants (attributes erased) and those without a place get none.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

FROZEN = ('industry', 'role', 'channel')  # interviews.notes.EVIDENCE_ATTRIBUTES when this revision was written


def upgrade() -> None:
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence_attributes', sa.JSON(), nullable=True))
    bind = op.get_bind()
    placed = bind.execute(sa.text(
        "SELECT id, industry, role, channel FROM participants "
        "WHERE evidence_place IS NOT NULL AND withdrawn_on IS NULL ORDER BY id")).all()
    update = sa.text("UPDATE participants SET evidence_attributes = :frozen WHERE id = :id").bindparams(
        sa.bindparam('frozen', type_=sa.JSON()))
    for row in placed:
        bind.execute(update, {"id": row[0], "frozen": {name: value or "" for name, value in zip(FROZEN, row[1:])}})


def downgrade() -> None:
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('evidence_attributes')
