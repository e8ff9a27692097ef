"""Nothing typed is lost across a reload on any staff page: unsent replies, memos and descriptions, kept for
their author.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 18:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staff_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=160), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_staff_drafts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_drafts')),
    sa.UniqueConstraint('user_id', 'place', name=op.f('uq_staff_drafts_user_id'))
    )
    with op.batch_alter_table('staff_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_drafts_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('staff_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_drafts_user_id'))
    op.drop_table('staff_drafts')
