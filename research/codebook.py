"""The default codebook, shared by interview coding and pulse analysis.

Each code's name, description and example phrases are what the analysis
matches comments against (see :mod:`research.analysis.themes`), so they are
written in the words employees use. The contact-centre codes come first; the
general workplace themes after them cover what agents also talk about (pay,
hours, growth, colleagues) so that such comments are not pushed into
"other" or into the nearest contact-centre code. Researchers edit all of it on
the Codebook page; the analysis reads the edited codebook, not this one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NO_CODE = "other"
"""The theme of a text that fits no code: no code may be called or keyed so."""
MAX_CODE_NAME = 120


def plain_name(name: str) -> str:
    """A code's name or key as its words alone, to compare them: "Work-life balance", "work_life_balance" and
    "WORK LIFE BALANCE" are one name, and so are "Parking & commute" and "Parking and commute" (a walk added
    both); any script's letters and digits count, nothing is cut off."""
    return " ".join(re.findall(r"[^\W_]+", (name or "").casefold().replace("&", " and ")))


def code_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a code (said to whoever typed it), or None."""
    if not plain_name(name):
        return f"the code name '{name}' has no letter or digit" if (name or "").strip() else "a code needs a name"
    if len(name.strip()) > MAX_CODE_NAME:
        return f"code names are at most {MAX_CODE_NAME} characters"
    if plain_name(name) == NO_CODE:
        return (f"'{name.strip()}' is what Frontline calls comments that fit no code; give the code a name that "
                f"says what it is about")
    return None


@dataclass(frozen=True)
class CodeDefinition:
    key: str
    name: str
    description: str
    colour: str
    gap_kind: str = ""  # "morale", "tooling" or "": which ranked gap list the theme feeds
    examples: tuple[str, ...] = ()  # short phrases typical of the code, matched like the description


DEFAULT_CODEBOOK: tuple[CodeDefinition, ...] = (
    CodeDefinition(
        "tools", "Tools and systems",
        "The CRM, knowledge base, phone system, billing system, ticketing tool, laptop or headset is slow, "
        "freezes, crashes, is outdated, is missing information or needs too many screens.",
        "#1f77b4", "tooling",
        ("the system keeps crashing", "software is outdated", "too many screens to find an account",
         "the knowledge base is out of date")),
    CodeDefinition(
        "customer_recovery", "Customer recovery and breakage",
        "Fixing what went wrong upstream: wrong bills, failed deliveries, broken orders, repeat contacts, "
        "apologising for other departments' mistakes.",
        "#17becf", "tooling",
        ("customers call back about the same problem", "cleaning up other departments' mistakes")),
    CodeDefinition(
        "voice_of_customer", "Voice of the customer and feedback loops",
        "Customer surveys, NPS comments and agent suggestions reaching the people who can fix causes, "
        "or disappearing with nothing changing.",
        "#7f7f7f", "morale",
        ("our feedback goes nowhere", "suggestions are never acted on")),
    CodeDefinition(
        "difficult_customers", "Abusive or difficult customers",
        "Angry, rude, abusive or threatening customers, shouting, and handling escalations.",
        "#e377c2", "morale",
        ("customers shout at us", "dealing with rude callers")),
    CodeDefinition(
        "metrics_pressure", "Metrics and targets",
        "Handle time, NPS, CSAT, adherence, sales and other targets and KPIs, and being judged on numbers "
        "outside one's control.",
        "#8c564b", "morale",
        ("unrealistic targets", "judged only on numbers", "sales targets every month")),
    CodeDefinition(
        "morale", "Morale and burnout",
        "Feeling exhausted, burnt out, stressed, demotivated or proud; team spirit, wanting to quit, sick days.",
        "#d62728", "morale",
        ("everyone is burnt out", "thinking about quitting")),
    CodeDefinition(
        "pay", "Pay",
        "Salary, wages, pay rises and increments, bonuses, incentives and commission, overtime pay, "
        "being paid fairly and on time.",
        "#aec7e8", "morale",
        ("low salary", "no pay rise this year", "good bonus", "paid less than the market")),
    CodeDefinition(
        "benefits", "Benefits and facilities",
        "What comes beside the salary: health insurance, pension, leave allowance, discounts, meals, "
        "transport, the office and its facilities.",
        "#ffbb78", "morale",
        ("good medical insurance", "free food and transport", "the office is nice")),
    CodeDefinition(
        "work_life_balance", "Schedule and work-life balance",
        "Working hours, shifts and rotas, nights and weekends, flexibility, working from home, getting "
        "time off, time for family and personal life.",
        "#98df8a", "morale",
        ("no work life balance", "flexible working hours", "long hours and weekend work",
         "work from home")),
    CodeDefinition(
        "training", "Career growth and training",
        "Learning, training and coaching, new skills, promotion and career progression, opportunities "
        "to grow.",
        "#2ca02c", "tooling",
        ("lots of learning opportunities", "no growth", "promotions are slow", "good training")),
    CodeDefinition(
        "management_support", "Manager and leadership",
        "Supervisors, team leads, managers, HR and senior leadership: support, listening, fairness, "
        "favouritism, micromanagement and how they treat staff.",
        "#9467bd", "morale",
        ("my manager is supportive", "management does not listen", "favouritism by managers")),
    CodeDefinition(
        "culture_colleagues", "Culture and colleagues",
        "Work culture and environment, colleagues and teammates, friendliness, respect, politics, "
        "diversity and inclusion.",
        "#c5b0d5", "morale",
        ("great colleagues", "friendly work environment", "too much office politics")),
    CodeDefinition(
        "workload", "Workload and staffing",
        "The amount of work: too many calls or cases, long queues, understaffing, no breaks, pressure, "
        "stress and deadlines.",
        "#ff7f0e", "morale",
        ("too much work", "we are always short staffed", "high work pressure")),
    CodeDefinition(
        "processes_policies", "Processes and policies",
        "How work is organised: procedures, rules and company policies, approvals, bureaucracy, "
        "hierarchy, red tape and reorganisations.",
        "#dbdb8d", "tooling",
        ("too many approvals", "policies change all the time", "processes are well defined")),
    CodeDefinition(
        "job_security", "Job security",
        "Stability of the job and the company: layoffs, redundancies, contracts, fear of losing one's job, "
        "a stable and well-known employer.",
        "#9edae5", "morale",
        ("job security is good", "layoffs every year", "a stable company")),
    CodeDefinition(
        "recognition", "Recognition",
        "Being thanked, praised, rewarded or noticed for good work, or never hearing anything positive.",
        "#bcbd22", "morale",
        ("nobody says thank you", "good work is recognised")),
)
