"""``frontline users``: staff accounts, managed with the database's credentials rather than a login."""

from __future__ import annotations

import argparse
import sys

from research.accounts import (
    NothingToChange,
    create_user,
    list_users,
    set_active,
    set_password,
    unlock_user,
)
from research.audit import cli_actor
from research.cli.common import migrated_engine
from research.errors import FrontlineError
from research.settings import Settings
from research.store.engine import session_scope


def _read_password(args: argparse.Namespace) -> str:
    if not args.password_stdin:
        raise FrontlineError("give the password on standard input with --password-stdin (never as an argument)")
    password = sys.stdin.readline()
    return password.rstrip("\r\n")


def add(args: argparse.Namespace, settings: Settings) -> int:
    password = _read_password(args)
    with session_scope(migrated_engine(settings)) as session:
        user = create_user(session=session, username=args.username, role=args.role, password=password,
                           actor=cli_actor())
    print(f"created {user.role} {user.username}")
    return 0


def show(args: argparse.Namespace, settings: Settings) -> int:
    with session_scope(migrated_engine(settings)) as session:
        users = list_users(session=session)
    if not users:
        print("no users yet: add one with `frontline users add --username NAME --role admin --password-stdin`")
        return 0
    print(f"{'username':<24} {'role':<11} {'status':<9} last login")
    for user in users:
        status = "active" if user.is_active else "disabled"
        last = user.last_login_at.strftime("%Y-%m-%d %H:%M UTC") if user.last_login_at else "never"
        print(f"{user.username:<24} {user.role:<11} {status:<9} {last}")
    return 0


def _set_active(args: argparse.Namespace, settings: Settings, active: bool) -> int:
    try:
        with session_scope(migrated_engine(settings)) as session:
            user = set_active(session=session, username=args.username, active=active, actor=cli_actor())
    except NothingToChange as exc:  # asking for what already is succeeds, and says so
        print(exc)
        return 0
    print(f"{'enabled' if active else 'disabled'} {user.username}")
    return 0


def disable(args: argparse.Namespace, settings: Settings) -> int:
    return _set_active(args, settings, False)


def enable(args: argparse.Namespace, settings: Settings) -> int:
    return _set_active(args, settings, True)


def passwd(args: argparse.Namespace, settings: Settings) -> int:
    password = _read_password(args)
    with session_scope(migrated_engine(settings)) as session:
        user = set_password(session=session, username=args.username, password=password, actor=cli_actor())
    print(f"password changed and lock cleared for {user.username}")
    return 0


def unlock(args: argparse.Namespace, settings: Settings) -> int:
    """End a sign-in pause without changing the password: how an admin gets back in while a stranger guesses."""
    with session_scope(migrated_engine(settings)) as session:
        user = unlock_user(session=session, username=args.username, actor=cli_actor())
    print(f"sign-in pause cleared for {user.username}")
    return 0
