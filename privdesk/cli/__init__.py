"""The command line. `privdesk` with no subcommand opens the GUI.

Each subcommand family lives in its own module with a `register(subparsers)`; the GUI
and the CLI are two faces over the same services.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from privdesk import __version__

EXIT_ERROR = 1  # as privdesk.cli.common (imported lazily: it loads the services)


# Each family's top-level commands, by module. A command names its family here so that
# only that module is imported: `privdesk contacts import` then never loads ReportLab,
# pypdf, holidays or zxcvbn (packs, reports, deadlines, passphrases): ~35 MiB resident
# during a million-row import, and ~0.4 s of every command's start. `privdesk --help`
# and anything not listed load every family. tests/unit/test_cli_lazy.py checks this
# table against what each module registers.
FAMILIES = {
    "store_commands": ("init", "check", "demo-data"),
    "contacts_commands": ("contacts",),
    "pack_commands": ("pack", "pack-items", "redact"),
    "requests_commands": ("requests",),
    "retention_commands": ("retention", "erase"),
    "breach_commands": ("breaches",),
    "accountability_commands": ("ropa", "report"),
    "security_commands": ("officers", "audit", "backup", "restore"),
    "team_commands": ("team",),
    "bench_commands": ("bench",),
}


def command_modules(command: str | None = None) -> list[ModuleType]:
    """The subcommand families, imported only when a subcommand is asked for: `privdesk`
    and `privdesk --demo` open the window without loading them (about 1 s). With
    `command`, only the family that defines it (every family if none does)."""
    names = [m for m, commands in FAMILIES.items() if command in commands] or list(FAMILIES)
    return [importlib.import_module(f"privdesk.cli.{name}") for name in names]


def _gui_only(argv: Sequence[str]) -> argparse.Namespace | None:
    """`privdesk`, `privdesk --demo` or `privdesk --store PATH`: the GUI, nothing else."""
    gui = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    gui.add_argument("--demo", action="store_true")
    gui.add_argument("--store", type=str, default=None)
    try:
        args, rest = gui.parse_known_args(list(argv))
    except argparse.ArgumentError:
        return None
    return None if rest else args


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with `command` (the first argument), only that command's family."""
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
    for module in command_modules(command):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    gui = _gui_only(argv)
    if gui is not None:
        return _run_gui(gui.demo, gui.store)
    parser = build_parser(argv[0] if argv else None)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if args.self_test:
        from privdesk.selftest import run_self_test

        return run_self_test()
    if args.command is None:
        return _run_gui(args.demo, args.store)
    from privdesk.cli.common import EXIT_USAGE, CliError
    from privdesk.store.errors import StoreError
    from privdesk.store.failures import IO_ERRORS, describe_failure

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


def _run_gui(demo: bool, store: str | None) -> int:
    from privdesk.ui.desktop_check import desktop_problem

    problem = desktop_problem()  # Qt would abort (exit 134) with its own message
    if problem:
        print(f"privdesk: {problem}", file=sys.stderr)
        return EXIT_ERROR
    from privdesk.app import run_gui  # Qt is imported only when the GUI is wanted

    return run_gui(demo=demo, store=store)
