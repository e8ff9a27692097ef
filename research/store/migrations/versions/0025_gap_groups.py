"""Groups whose morale and eNPS the gaps compare, kept per analysis job, so their figures move only in steps.

An insider review showed that a researcher who recodes one released comment, or adds a code worded like it, and
re-runs the analysis moves that comment between themes, and an executive comparing the two analyses' "agents who
raised it score eNPS ... lower" reads its writer's class. Each job now records the groups it compared and whether
their figures were released (see ``research/analysis/gap_steps.py``).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 20:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'gap_groups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('wave_id', sa.Integer(), nullable=False),
        sa.Column('theme', sa.String(length=64), nullable=False),
        sa.Column('released', sa.Boolean(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('members', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['wave_id'], ['pulse_waves.id'], name=op.f('fk_gap_groups_wave_id_pulse_waves'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_gap_groups')),
    )
    op.create_index(op.f('ix_gap_groups_job_id'), 'gap_groups', ['job_id'])
    op.create_index(op.f('ix_gap_groups_wave_id'), 'gap_groups', ['wave_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_gap_groups_wave_id'), table_name='gap_groups')
    op.drop_index(op.f('ix_gap_groups_job_id'), table_name='gap_groups')
    op.drop_table('gap_groups')
