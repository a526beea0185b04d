"""The command line. `privdesk` with no subcommand opens the GUI.

Each subcommand family lives in its own module with a `register(subparsers)`; the GUI
and the CLI are two faces over the same services.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from privdesk import __version__
from privdesk.cli import (
    accountability_commands,
    bench_commands,
    breach_commands,
    contacts_commands,
    pack_commands,
    requests_commands,
    retention_commands,
    security_commands,
    store_commands,
    team_commands,
)
from privdesk.cli.common import EXIT_ERROR, EXIT_USAGE, CliError
from privdesk.store.errors import StoreError
from privdesk.store.failures import IO_ERRORS, describe_failure

COMMAND_MODULES = [
    store_commands,
    contacts_commands,
    pack_commands,
    requests_commands,
    retention_commands,
    breach_commands,
    accountability_commands,
    security_commands,
    team_commands,
    bench_commands,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="privdesk",
        description="Run a privacy policy day to day: contacts, requests, retention, packs.",
    )
    parser.add_argument("--version", action="version", version=f"privdesk {__version__}")
    parser.add_argument("--demo", action="store_true",
                        help="open the demo store (created on first use)")
    parser.add_argument("--store", type=str, default=None, help="open this store in the GUI")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation end to end in a temporary folder, then exit")
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
    if args.self_test:
        from privdesk.selftest import run_self_test

        return run_self_test()
    if args.command is None:
        from privdesk.app import run_gui  # Qt is imported only when the GUI is wanted

        return run_gui(demo=args.demo, store=args.store)
    try:
        return int(args.func(args))
    except CliError as exc:
        print(f"privdesk: {exc}", file=sys.stderr)
        return exc.code
    except StoreError as exc:  # e.g. the disk filled up part-way through a command
        print(f"privdesk: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except IO_ERRORS as exc:  # a write failed: plain words, no traceback
        print(f"privdesk: {describe_failure(exc)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_USAGE
