"""Pulse submissions wait in an inbox and are released in shuffled batches; open-link answers are counted.

Receipts lose their SQLite rowid, which recorded the order responses arrived in.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pulse_inbox',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['segment_id'], ['pulse_segments.id'], name=op.f('fk_pulse_inbox_segment_id_pulse_segments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['wave_id'], ['pulse_waves.id'], name=op.f('fk_pulse_inbox_wave_id_pulse_waves'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_inbox')),
    sqlite_with_rowid=False,
    )
    with op.batch_alter_table('pulse_inbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_inbox_segment_id'), ['segment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pulse_inbox_wave_id'), ['wave_id'], unique=False)

    op.create_table('pulse_held_texts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('response_id', sa.Uuid(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('value_text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['pulse_questions.id'], name=op.f('fk_pulse_held_texts_question_id_pulse_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['pulse_responses.id'], name=op.f('fk_pulse_held_texts_response_id_pulse_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_held_texts')),
    sqlite_with_rowid=False,
    )
    with op.batch_alter_table('pulse_held_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_held_texts_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pulse_held_texts_response_id'), ['response_id'], unique=False)

    op.create_table('pulse_open_uses',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['segment_id'], ['pulse_segments.id'], name=op.f('fk_pulse_open_uses_segment_id_pulse_segments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_open_uses')),
    sqlite_with_rowid=False,
    )
    with op.batch_alter_table('pulse_open_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_open_uses_segment_id'), ['segment_id'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        # (Auto)vacuum must never take the exclusive lock that truncation needs: submissions would queue on it.
        op.execute("ALTER TABLE pulse_inbox SET (vacuum_truncate = false)")
        op.execute("ALTER TABLE pulse_held_texts SET (vacuum_truncate = false)")
    if op.get_bind().dialect.name == 'sqlite':
        # Rebuilt without a rowid; its rows are then kept in the order of their random code hashes.
        with op.batch_alter_table('pulse_receipts', recreate='always',
                                  table_kwargs={'sqlite_with_rowid': False}) as batch_op:
            pass


def downgrade() -> None:
    with op.batch_alter_table('pulse_open_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_open_uses_segment_id'))
    op.drop_table('pulse_open_uses')
    with op.batch_alter_table('pulse_held_texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_held_texts_response_id'))
        batch_op.drop_index(batch_op.f('ix_pulse_held_texts_question_id'))
    op.drop_table('pulse_held_texts')
    with op.batch_alter_table('pulse_inbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_inbox_wave_id'))
        batch_op.drop_index(batch_op.f('ix_pulse_inbox_segment_id'))
    op.drop_table('pulse_inbox')
