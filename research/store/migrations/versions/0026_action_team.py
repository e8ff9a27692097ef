"""An action can be for one team: its effect is then measured on that team's comments.

An executive read "hire four more agents for Tech Support L1" credited with the whole organisation's workload
figures. Existing actions stay for every team (NULL).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-08 00:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('actions') as batch:
        batch.add_column(sa.Column('team', sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('actions') as batch:
        batch.drop_column('team')
