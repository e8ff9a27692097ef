"""Nothing typed is lost across a reload: a researcher's unsaved interview note text, kept for them alone.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('note_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('interview_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.String(length=80), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['interview_id'], ['interviews.id'], name=op.f('fk_note_drafts_interview_id_interviews'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_note_drafts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_note_drafts')),
    sa.UniqueConstraint('user_id', 'interview_id', 'slot', name=op.f('uq_note_drafts_user_id'))
    )
    with op.batch_alter_table('note_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_note_drafts_interview_id'), ['interview_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_note_drafts_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('note_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_note_drafts_user_id'))
        batch_op.drop_index(batch_op.f('ix_note_drafts_interview_id'))
    op.drop_table('note_drafts')
