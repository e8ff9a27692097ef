"""The codebook drives the analysis: example phrases on codes, the general workplace codes, and a secondary
theme with confidences on each analysed comment.

Codes researchers have edited are left as they are: a default code's name and description are brought up to
date only while they still read as revision 0004 seeded them, and a code is added only when neither its key
nor its name is taken.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 12:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# (key, name, description, colour, gap kind, examples joined by newlines), as this revision writes them.
CODES = (
    ('tools', 'Tools and systems',
     'The CRM, knowledge base, phone system, billing system, ticketing tool, laptop or headset is slow, freezes, '
     'crashes, is outdated, is missing information or needs too many screens.', '#1f77b4', 'tooling',
     'the system keeps crashing\nsoftware is outdated\ntoo many screens to find an account\n'
     'the knowledge base is out of date'),
    ('customer_recovery', 'Customer recovery and breakage', None, '#17becf', 'tooling',
     "customers call back about the same problem\ncleaning up other departments' mistakes"),
    ('voice_of_customer', 'Voice of the customer and feedback loops', None, '#7f7f7f', 'morale',
     'our feedback goes nowhere\nsuggestions are never acted on'),
    ('difficult_customers', 'Abusive or difficult customers', None, '#e377c2', 'morale',
     'customers shout at us\ndealing with rude callers'),
    ('metrics_pressure', 'Metrics and targets',
     "Handle time, NPS, CSAT, adherence, sales and other targets and KPIs, and being judged on numbers outside "
     "one's control.", '#8c564b', 'morale',
     'unrealistic targets\njudged only on numbers\nsales targets every month'),
    ('morale', 'Morale and burnout', None, '#d62728', 'morale', 'everyone is burnt out\nthinking about quitting'),
    ('pay', 'Pay',
     'Salary, wages, pay rises and increments, bonuses, incentives and commission, overtime pay, being paid '
     'fairly and on time.', '#aec7e8', 'morale',
     'low salary\nno pay rise this year\ngood bonus\npaid less than the market'),
    ('benefits', 'Benefits and facilities',
     'What comes beside the salary: health insurance, pension, leave allowance, discounts, meals, transport, '
     'the office and its facilities.', '#ffbb78', 'morale',
     'good medical insurance\nfree food and transport\nthe office is nice'),
    ('work_life_balance', 'Schedule and work-life balance',
     'Working hours, shifts and rotas, nights and weekends, flexibility, working from home, getting time off, '
     'time for family and personal life.', '#98df8a', 'morale',
     'no work life balance\nflexible working hours\nlong hours and weekend work\nwork from home'),
    ('training', 'Career growth and training',
     'Learning, training and coaching, new skills, promotion and career progression, opportunities to grow.',
     '#2ca02c', 'tooling', 'lots of learning opportunities\nno growth\npromotions are slow\ngood training'),
    ('management_support', 'Manager and leadership',
     'Supervisors, team leads, managers, HR and senior leadership: support, listening, fairness, favouritism, '
     'micromanagement and how they treat staff.', '#9467bd', 'morale',
     'my manager is supportive\nmanagement does not listen\nfavouritism by managers'),
    ('culture_colleagues', 'Culture and colleagues',
     'Work culture and environment, colleagues and teammates, friendliness, respect, politics, diversity and '
     'inclusion.', '#c5b0d5', 'morale',
     'great colleagues\nfriendly work environment\ntoo much office politics'),
    ('workload', 'Workload and staffing',
     'The amount of work: too many calls or cases, long queues, understaffing, no breaks, pressure, stress and '
     'deadlines.', '#ff7f0e', 'morale',
     'too much work\nwe are always short staffed\nhigh work pressure'),
    ('processes_policies', 'Processes and policies',
     'How work is organised: procedures, rules and company policies, approvals, bureaucracy, hierarchy, red tape '
     'and reorganisations.', '#dbdb8d', 'tooling',
     'too many approvals\npolicies change all the time\nprocesses are well defined'),
    ('job_security', 'Job security',
     "Stability of the job and the company: layoffs, redundancies, contracts, fear of losing one's job, a stable "
     "and well-known employer.", '#9edae5', 'morale',
     'job security is good\nlayoffs every year\na stable company'),
    ('recognition', 'Recognition', None, '#bcbd22', 'morale', 'nobody says thank you\ngood work is recognised'),
)

# What 0004 seeded for the codes whose text changes here: (key, name, description).
SEEDED = {
    'tools': ('Tools and systems', 'The CRM, knowledge base, phone system, billing system, ticketing tool or '
              'scheduling app is slow, freezes, crashes, is missing information or needs too many screens.'),
    'management_support': ('Management support', 'Whether supervisors, team leads and upper management back '
                           'agents up, listen, give authority to fix problems and act on what agents report.'),
    'training': ('Training and development', 'Onboarding, product training, coaching, career paths and learning '
                 'new systems.'),
    'workload': ('Workload and staffing', 'Understaffed shifts, long queues, back-to-back calls, no breaks, '
                 'overtime, rotas and schedules.'),
    'metrics_pressure': ('Metrics pressure', "Average handle time targets, NPS and CSAT targets, adherence and "
                         "being judged on numbers outside the agent's control."),
    'pay_benefits': ('Pay and benefits', 'Salary, bonuses, pay rises, cost of living, benefits, shift allowances.'),
}


def upgrade() -> None:
    with op.batch_alter_table('codes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('examples', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('text_analyses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('theme_confidence', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('theme2', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('theme2_confidence', sa.Float(), nullable=True))

    conn = op.get_bind()
    codes = sa.table('codes', sa.column('id'), sa.column('key'), sa.column('name'), sa.column('description'),
                     sa.column('colour'), sa.column('gap_kind'), sa.column('position'), sa.column('examples'))
    existing = {row.key: row for row in conn.execute(sa.select(codes.c.key, codes.c.name, codes.c.description))}
    # "Pay and benefits" becomes "Pay" (benefits get their own code) while it reads as seeded.
    if 'pay_benefits' in existing and 'pay' not in existing and \
            (existing['pay_benefits'].name, existing['pay_benefits'].description) == SEEDED['pay_benefits']:
        conn.execute(codes.update().where(codes.c.key == 'pay_benefits').values(key='pay'))
        analyses = sa.table('text_analyses', sa.column('theme'))
        conn.execute(analyses.update().where(analyses.c.theme == 'pay_benefits').values(theme='pay'))
        existing['pay'] = existing.pop('pay_benefits')
        seeded = dict(SEEDED, pay=SEEDED['pay_benefits'])
    else:
        seeded = SEEDED
    names = {row.name for row in existing.values()}
    position = conn.execute(sa.select(sa.func.coalesce(sa.func.max(codes.c.position), -1))).scalar_one() + 1
    for key, name, description, colour, kind, examples in CODES:
        row = existing.get(key)
        if row is None:
            if name in names:
                continue
            conn.execute(codes.insert().values(key=key, name=name, description=description or '', colour=colour,
                                               gap_kind=kind, position=position, examples=examples))
            position += 1
            continue
        values = {'examples': examples}
        if key in seeded and (row.name, row.description) == seeded[key] and description is not None:
            if name == row.name or name not in names:
                values |= {'name': name, 'description': description}
        conn.execute(codes.update().where(codes.c.key == key).values(**values))


def downgrade() -> None:
    with op.batch_alter_table('text_analyses', schema=None) as batch_op:
        batch_op.drop_column('theme2_confidence')
        batch_op.drop_column('theme2')
        batch_op.drop_column('theme_confidence')
    with op.batch_alter_table('codes', schema=None) as batch_op:
        batch_op.drop_column('examples')
