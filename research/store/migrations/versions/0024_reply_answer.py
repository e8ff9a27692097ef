"""A reply remembers the comment it was written under.

Replies were kept per response (the receipt code), so on "Comments and replies" every comment of one person
showed the same reply box, count and sent replies: a wave with two free-text questions crashed the page (two
boxes with one key), and mended that way it would have tied one person's comments together, which the page
otherwise never does. Replies stored before this know only their response and are shown under each of its
comments, as before.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('pulse_replies', sa.Column('answer_id', sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('pulse_replies') as batch:
        batch.drop_column('answer_id')
