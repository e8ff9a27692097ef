"""Researchers code released pulse comments: a suggested code accepted or corrected.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 17:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pulse_comment_codes',
    sa.Column('answer_id', sa.Uuid(), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=False),
    sa.Column('coder', sa.String(length=64), nullable=False),
    sa.Column('coded_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['pulse_answers.id'], name=op.f('fk_pulse_comment_codes_answer_id_pulse_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['code_id'], ['codes.id'], name=op.f('fk_pulse_comment_codes_code_id_codes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('answer_id', name=op.f('pk_pulse_comment_codes'))
    )
    with op.batch_alter_table('pulse_comment_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_comment_codes_code_id'), ['code_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pulse_comment_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_comment_codes_code_id'))
    op.drop_table('pulse_comment_codes')
