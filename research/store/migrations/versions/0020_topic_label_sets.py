"""Topic labels rebuilt from the quotable comments are stored per job under the digest of their inputs, so the
briefing and the topic explorer read them instead of rebuilding them on every view.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('topic_label_sets',
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['analysis_jobs.id'], name=op.f('fk_topic_label_sets_job_id_analysis_jobs'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('job_id', 'digest', name=op.f('pk_topic_label_sets'))
    )


def downgrade() -> None:
    op.drop_table('topic_label_sets')
