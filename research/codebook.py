"""The default contact-centre codebook, shared by interview coding and pulse analysis.

Each code's description is written for matching: the analysis engine compares
comments with these descriptions, so they use the words agents use.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CodeDefinition:
    key: str
    name: str
    description: str
    colour: str
    gap_kind: str  # "morale", "tooling" or "" : which ranked gap list the theme feeds


DEFAULT_CODEBOOK: tuple[CodeDefinition, ...] = (
    CodeDefinition(
        "morale", "Morale and burnout",
        "Feeling exhausted, burnt out, stressed, demotivated or proud; team spirit, wanting to quit, sick days.",
        "#d62728", "morale"),
    CodeDefinition(
        "tools", "Tools and systems",
        "The CRM, knowledge base, phone system, billing system, ticketing tool or scheduling app is slow, "
        "freezes, crashes, is missing information or needs too many screens.",
        "#1f77b4", "tooling"),
    CodeDefinition(
        "management_support", "Management support",
        "Whether supervisors, team leads and upper management back agents up, listen, give authority "
        "to fix problems and act on what agents report.",
        "#9467bd", "morale"),
    CodeDefinition(
        "training", "Training and development",
        "Onboarding, product training, coaching, career paths and learning new systems.",
        "#2ca02c", "tooling"),
    CodeDefinition(
        "workload", "Workload and staffing",
        "Understaffed shifts, long queues, back-to-back calls, no breaks, overtime, rotas and schedules.",
        "#ff7f0e", "morale"),
    CodeDefinition(
        "metrics_pressure", "Metrics pressure",
        "Average handle time targets, NPS and CSAT targets, adherence and being judged on numbers "
        "outside the agent's control.",
        "#8c564b", "morale"),
    CodeDefinition(
        "difficult_customers", "Abusive or difficult customers",
        "Angry, rude, abusive or threatening customers, shouting, and handling escalations.",
        "#e377c2", "morale"),
    CodeDefinition(
        "recognition", "Recognition",
        "Being thanked, praised, rewarded or noticed for good work, or never hearing anything positive.",
        "#bcbd22", "morale"),
    CodeDefinition(
        "customer_recovery", "Customer recovery and breakage",
        "Fixing what went wrong upstream: wrong bills, failed deliveries, broken orders, repeat contacts, "
        "apologising for other departments' mistakes.",
        "#17becf", "tooling"),
    CodeDefinition(
        "voice_of_customer", "Voice of the customer and feedback loops",
        "Customer surveys, NPS comments and agent suggestions reaching the people who can fix causes, "
        "or disappearing with nothing changing.",
        "#7f7f7f", "morale"),
    CodeDefinition(
        "pay_benefits", "Pay and benefits",
        "Salary, bonuses, pay rises, cost of living, benefits, shift allowances.",
        "#aec7e8", "morale"),
)


def code_by_key(key: str) -> CodeDefinition:
    for code in DEFAULT_CODEBOOK:
        if code.key == key:
            return code
    raise KeyError(key)
