"""A staff session records when its browser got the HttpOnly cookie: until then its token is a one-time grant
that only the cookie route may swap (briefly), and never a cookie that resumes the session.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 19:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff_sessions') as batch:
        batch.add_column(sa.Column('cookie_set_at', sa.DateTime(timezone=True), nullable=True))
    # Sessions opened before this revision have their cookie already (the page wrote it): keep them working.
    op.execute("UPDATE staff_sessions SET cookie_set_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table('staff_sessions') as batch:
        batch.drop_column('cookie_set_at')
