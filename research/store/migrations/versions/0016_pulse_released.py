"""A released inbox submission is remembered by a keyed hash, so a sealed row written back later is refused.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pulse_released',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_pulse_released')),
    sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table('pulse_released')
