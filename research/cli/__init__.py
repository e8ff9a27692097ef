"""The `frontline` command.

Every failure caused by input or environment is printed as one line on stderr
with exit status 2; tracebacks are for bugs only.

:mod:`research.cli.parser` declares every command and its options and names
the function that runs it as ``"module:function"`` within this package. Only
that one module is imported to run a command, so ``frontline --help`` and
``frontline users list`` do not load the analysis stack.
"""

from __future__ import annotations

import importlib
import sys

from research.cli.parser import build_parser
from research.errors import FrontlineError
from research.settings import load_settings

__all__ = ["build_parser", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit status (2 for a one-line error, 130 on Ctrl-C)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()  # before the command's module loads: a bad setting stops everything
        module, _, name = args.handler.partition(":")
        handler = getattr(importlib.import_module(f"research.cli.{module}"), name)
        return handler(args, settings)
    except FrontlineError as exc:
        print(f"frontline: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
