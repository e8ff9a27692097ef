"""Phrase banks for the demo's pulse comments, written in agents' own register.

Each theme has complaints and praise; ``{tool}`` is filled from the team's
systems so tooling gaps name real tools. ``parking`` is deliberately absent from
the codebook: it is the emergent issue the topic model must surface on its own.
"""

NEGATIVE = {
    "tools": [
        "{tool} freezes every time I process a refund",
        "{tool} crashes mid call and I have to ask the customer to repeat everything",
        "I need five screens open because {tool} doesn't show the account history",
        "{tool} is so slow that customers wait in silence while it loads",
        "half the answers in {tool} are out of date so I guess",
        "we lose notes when {tool} times out and the next agent starts from zero",
        "please fix {tool}, it logs me out three times a shift",
        "{tool} and the knowledge base disagree about the same policy",
    ],
    "workload": [
        "we are understaffed every evening and the queue never drops",
        "back to back calls with no time to write notes",
        "breaks get cancelled whenever the queue goes red",
        "too many calls for the few of us left on the team",
        "not enough people on the phones to keep up with the work",
        "forty chats waiting at nine in the morning and only three of us",
    ],
    "management_support": [
        "my team lead never backs us up when a customer escalates",
        "upper management doesn't listen to anything we report",
        "we raise the same problem every week and nobody above us acts",
        "supervisors are never on the floor when we need approval",
        "I have no authority to fix anything, I can only apologise",
    ],
    "morale": [
        "honestly I'm exhausted and thinking about leaving",
        "people are burnt out and sick days keep going up",
        "morale on the team is the lowest I've seen",
        "I dread logging in some mornings",
    ],
    "metrics_pressure": [
        "handle time targets make me rush customers who need help",
        "we get marked down on NPS for problems we didn't cause",
        "adherence is watched to the minute, even toilet breaks",
        "the CSAT target punishes us for billing errors upstream",
    ],
    "difficult_customers": [
        "customers shout at us about things we can't change",
        "abusive callers and we're told to stay on the line",
        "escalations land on us with nobody to hand them to",
    ],
    "recognition": [
        "nobody ever says thanks when we turn a complaint around",
        "good work goes unnoticed, only mistakes get mentioned",
    ],
    "customer_recovery": [
        "most of my day is fixing orders that went wrong before they reached us",
        "customers call three times about the same wrong bill",
        "I spend my shift apologising for deliveries that never arrived",
        "we clean up after other departments and get blamed for it",
    ],
    "voice_of_customer": [
        "customer survey comments go nowhere, nothing changes",
        "we send suggestions up and never hear back",
        "the NPS comments tell us exactly what's broken and nobody reads them",
    ],
    "pay": [
        "pay hasn't kept up with the cost of living",
        "the bonus depends on targets we can't control",
        "no shift allowance for late evenings anymore",
    ],
    "training": [
        "new starters go live after a week with no real training",
        "nobody trained us on the new products before launch",
        "there is no career path beyond team lead",
    ],
    "parking": [
        "the car park is full by eight so I'm late for my shift",
        "parking at the site is a nightmare since the spaces were cut",
        "no parking spaces left for the late shift, I walk twenty minutes in the dark",
        "we lost half the car park and nobody told us where to park",
    ],
}

POSITIVE = {
    "tools": [
        "the latest update to {tool} made refunds much quicker",
        "{tool} finally shows the full history, it saves me minutes per call",
    ],
    "workload": [
        "the extra hires have made the queue manageable",
        "we finally get our breaks on time",
    ],
    "management_support": [
        "our new team lead backs us up and gets answers from upstairs",
        "management acted on our feedback this quarter and it shows",
        "my supervisor listens and gives us authority to fix things",
        "the monthly session with the head of service actually led to changes",
    ],
    "morale": [
        "great team, we look after each other",
        "I feel proud of the work we do",
    ],
    "recognition": [
        "the shout outs in the team meeting mean a lot",
        "got a thank you from the head of service, made my week",
    ],
    "training": [
        "the coaching sessions have really helped me with hard calls",
        "good onboarding, I felt ready on day one",
    ],
    "voice_of_customer": [
        "customer feedback from our surveys led to the new returns policy",
    ],
    "customer_recovery": [
        "I like being the one who fixes things for customers",
    ],
    "metrics_pressure": [
        "dropping the handle time target lets me actually solve problems",
    ],
    "difficult_customers": [
        "the new escalation path means abusive callers get handed over",
    ],
    "pay": [
        "the pay rise this year was appreciated",
    ],
}

OPENERS = ["", "", "", "Honestly, ", "Simple: ", "To be fair, ", "Please listen: ", "Again, "]
CLOSERS = ["", "", "", ".", ".", "!", ". It happens every day.", ". Same as last time.", " and it's getting worse."]
POSITIVE_CLOSERS = ["", ".", "!", ", more of that please.", ", thank you."]
