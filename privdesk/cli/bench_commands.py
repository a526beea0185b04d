"""privdesk bench: run the performance benchmarks and print figures beside baselines."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from privdesk.cli.common import EXIT_ERROR, EXIT_OK, CliError, emit


def _bench(args: argparse.Namespace) -> int:
    from privdesk.bench.runner import CASES, case_name, machine, pick, run_all, table

    if args.case == ["list"]:
        print("\n".join(case_name(c) for c in CASES))
        return EXIT_OK
    folder = args.data_dir or Path(tempfile.gettempdir()) / "privdesk-bench"
    try:
        pick(args.case, args.pg_url)
    except ValueError as exc:
        raise CliError(str(exc)) from exc

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    start, load = time.perf_counter(), os.getloadavg()[0]
    results = run_all(folder, args.size, log, args.case, pg_url=args.pg_url)
    shown = " --pg-url (a team store)" if args.pg_url else ""
    took = time.perf_counter() - start
    emit(args, [r.as_json() for r in results],
         lambda _: f"privdesk bench --size {args.size}{shown} on {machine()}\n"
                   f"run time {took / 60:.1f} min (data building included); load average "
                   f"{load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
                   f"{LOADED_NOTE if max(load, os.getloadavg()[0]) > 1.5 else ''}\n\n"
                   f"{table(results)}")
    return EXIT_OK if all(r.met for r in results) else EXIT_ERROR


LOADED_NOTE = ("\nThe machine was busy (load average above 1.5): wall-clock figures are "
               "inflated; rerun on a quiet machine for the README.")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "bench", help="run the performance benchmarks",
        description="Build (once, then reuse) a demo register of the given size and its "
                    "plain-SQLite twin, run the benchmark cases with their same-run "
                    "baselines, and print a table. A full --size 1m run takes about "
                    "15 minutes on a quiet 2-core machine.",
        epilog="Run only some cases with --case, repeated: e.g. privdesk bench --size 1m "
               "--case view_keystroke --case open_store. `privdesk bench --case list` prints "
               "the case names (search, view_keystroke, open_store, demo_data, pack, ...).")
    p.add_argument("--size", choices=["2k", "10k", "100k", "1m"], default="100k",
                   help="register size (2k is a quick smoke run)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="where the benchmark stores are built and reused")
    p.add_argument("--case", action="append", metavar="NAME",
                   help="run only this case (repeat for several; --case list prints the names)")
    p.add_argument("--pg-url", default=None, metavar="URL",
                   help="also time search on a team store: a PostgreSQL database (libpq URL) "
                        "that is empty, or holds this size's bench data from an earlier run; "
                        "the bench makes the store and loads its own contacts with COPY "
                        "(case name: search_server)")
    p.set_defaults(func=_bench)
