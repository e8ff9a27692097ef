"""The site a participant had when they got their evidence place is kept with the other frozen attributes.

A quote naming a site ("In Leeds ...") is judged by the sites of the people released in its speaker's step.
Read live, moving each of those people to another site in turn flipped the word to "[site]" only when the
speaker moved, which pinned the quote on them. Participants who hold a place get their current site added to
their frozen copy (what evidence judged by until now, so upgrading changes nothing shown); withdrawn
participants (no copy) get none.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 01:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    frozen = sa.table('participants', sa.column('id', sa.Integer), sa.column('site', sa.String),
                      sa.column('evidence_attributes', sa.JSON))
    rows = bind.execute(sa.select(frozen.c.id, frozen.c.site, frozen.c.evidence_attributes)
                        .where(frozen.c.evidence_attributes.is_not(None)).order_by(frozen.c.id)).all()
    for participant_id, site, attributes in rows:
        if isinstance(attributes, dict) and 'site' not in attributes:
            bind.execute(sa.update(frozen).where(frozen.c.id == participant_id)
                         .values(evidence_attributes={**attributes, 'site': site or ''}))


def downgrade() -> None:
    bind = op.get_bind()
    frozen = sa.table('participants', sa.column('id', sa.Integer), sa.column('evidence_attributes', sa.JSON))
    rows = bind.execute(sa.select(frozen.c.id, frozen.c.evidence_attributes)
                        .where(frozen.c.evidence_attributes.is_not(None))).all()
    for participant_id, attributes in rows:
        if isinstance(attributes, dict) and 'site' in attributes:
            bind.execute(sa.update(frozen).where(frozen.c.id == participant_id)
                         .values(evidence_attributes={k: v for k, v in attributes.items() if k != 'site'}))
