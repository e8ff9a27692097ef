"""``frontline demo``: the Customer Service Week demo data and accounts."""

from __future__ import annotations

import argparse

from research.cli.common import migrated_engine
from research.demo import seed_demo
from research.pulse.links import link_url
from research.settings import Settings
from research.store.engine import session_scope


def seed(args: argparse.Namespace, settings: Settings) -> int:
    with session_scope(migrated_engine(settings)) as session:
        result = seed_demo(session=session, if_empty=args.if_empty)
    print(result.message + (": " + ", ".join(f"{v} {k}" for k, v in result.counts.items()) if result.counts else ""))
    if result.try_token:
        print(f"try the agent's pulse page (open link, Retail Care): {link_url(settings.public_url, result.try_token)}")
    if result.new_passwords:
        print("demo accounts (passwords are shown only now; change them with `frontline users passwd`):")
        for username, password in result.new_passwords.items():
            print(f"  {username:<12} {password}")
    return 0
