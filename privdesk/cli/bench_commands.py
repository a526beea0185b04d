"""privdesk bench: run the performance benchmarks and print figures beside baselines."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from privdesk.cli.common import EXIT_ERROR, EXIT_OK, emit


def _bench(args: argparse.Namespace) -> int:
    from privdesk.bench.runner import machine, run_all, table

    folder = args.data_dir or Path(tempfile.gettempdir()) / "privdesk-bench"

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    results = run_all(folder, args.size, log, pg_url=args.pg_url, only=args.only)
    shown = " --pg-url (a team store)" if args.pg_url else ""
    emit(args, [r.as_json() for r in results],
         lambda _: f"privdesk bench --size {args.size}{shown} on {machine()}\n\n{table(results)}")
    return EXIT_OK if all(r.met for r in results) else EXIT_ERROR


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("bench", help="run the performance benchmarks")
    p.add_argument("--size", choices=["2k", "10k", "100k", "1m"], default="100k",
                   help="register size (2k is a quick smoke run)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="where the benchmark stores are built and reused")
    p.add_argument("--pg-url", default=None, metavar="URL",
                   help="also time search on a team store: a PostgreSQL database (libpq URL) "
                        "that is empty, or holds this size's bench data from an earlier run; "
                        "the bench makes the store and loads its own contacts with COPY")
    p.add_argument("--only", default=None, metavar="WORD",
                   help="run only the cases whose name holds WORD (e.g. search)")
    p.set_defaults(func=_bench)
