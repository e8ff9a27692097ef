"""Dashboard sums read one index: pulse answers by question, with their response and value (issue 16).

A wave's sums and the per-segment sums read (question_id, response_id, value_number)
from this covering index instead of looking up each answer row.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 20:20:00
"""

from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pulse_answers', schema=None) as batch_op:
        batch_op.create_index('ix_pulse_answers_question_response_value',
                              ['question_id', 'response_id', 'value_number'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pulse_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_pulse_answers_question_response_value')
