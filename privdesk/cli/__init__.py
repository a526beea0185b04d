"""The command line. `privdesk` with no subcommand opens the GUI.

Each subcommand family lives in its own module with a `register(subparsers)`; the GUI
and the CLI are two faces over the same services.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from privdesk import __version__
from privdesk.cli import security_commands, store_commands
from privdesk.cli.common import EXIT_USAGE, CliError

COMMAND_MODULES = [store_commands, security_commands]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="privdesk",
        description="Run a privacy policy day to day: contacts, requests, retention, packs.",
    )
    parser.add_argument("--version", action="version", version=f"privdesk {__version__}")
    parser.add_argument("--demo", action="store_true",
                        help="open the demo store (created on first use)")
    parser.add_argument("--store", type=str, default=None, help="open this store in the GUI")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if args.command is None:
        from privdesk.app import run_gui  # Qt is imported only when the GUI is wanted

        return run_gui(demo=args.demo, store=args.store)
    try:
        return int(args.func(args))
    except CliError as exc:
        print(f"privdesk: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return EXIT_USAGE
