"""Sealed copies of created pulse links, so their researcher can download them again while the wave is open.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 22:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'pulse_link_copies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('wave_id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('sealed', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['wave_id'], ['pulse_waves.id'], name=op.f('fk_pulse_link_copies_wave_id_pulse_waves'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_pulse_link_copies_owner_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_link_copies')),
    )
    op.create_index(op.f('ix_pulse_link_copies_wave_id'), 'pulse_link_copies', ['wave_id'])
    op.create_index(op.f('ix_pulse_link_copies_owner_id'), 'pulse_link_copies', ['owner_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_pulse_link_copies_owner_id'), table_name='pulse_link_copies')
    op.drop_index(op.f('ix_pulse_link_copies_wave_id'), table_name='pulse_link_copies')
    op.drop_table('pulse_link_copies')
