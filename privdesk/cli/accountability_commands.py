"""privdesk ropa / report: the record of processing activities (Art. 30) and the
management report, for scripts, over the same services as the GUI."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from privdesk.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    add_store_args,
    add_today_arg,
    emit,
    parse_date,
    run_service,
)
from privdesk.services.authz import PermissionDenied
from privdesk.services.container import Services
from privdesk.services.management_report import ReportError


def _run(args: argparse.Namespace, work: Callable[[Services], Any]) -> Any:
    return run_service(args, work, (PermissionDenied, ReportError))


def _ropa(args: argparse.Namespace) -> int:
    out: Path = args.out
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".csv"):
        raise CliError(f"Say which format by the file name: {out.name} should end in .pdf or "
                       ".csv.", EXIT_USAGE)
    if suffix == ".pdf":
        pages = _run(args, lambda s: s.ropa.pdf(out))
        emit(args, {"path": str(out), "pages": pages},
             lambda v: f"Wrote the record of processing activities ({v['pages']} pages) to "
                       f"{v['path']}")
    else:
        rows = _run(args, lambda s: s.ropa.csv(out))
        emit(args, {"path": str(out), "rows": rows},
             lambda v: f"Wrote the record of processing activities ({v['rows']} rows) to "
                       f"{v['path']}")
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    def work(s: Services) -> tuple[int, dict[str, object]]:
        figures = s.report.figures(args.date_from, args.date_to)
        return s.report.pdf(args.out, figures), figures.as_json()

    pages, figures = _run(args, work)
    emit(args, {"path": str(args.out), "pages": pages, "figures": figures},
         lambda v: f"Wrote the management report ({v['pages']} pages) to {v['path']}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("ropa", help="the record of processing activities (Art. 30) as PDF or CSV")
    p.add_argument("--out", required=True, type=Path, help="FILE.pdf or FILE.csv")
    add_store_args(p)
    add_today_arg(p)
    p.set_defaults(func=_ropa)

    p = sub.add_parser("report", help="the management report (PDF): requests, deadlines, "
                                      "erasures, breaches")
    p.add_argument("--out", required=True, type=Path, help="the PDF file to write")
    p.add_argument("--from", dest="date_from", type=parse_date, default=None,
                   help="first day covered (default: 12 months before --to)")
    p.add_argument("--to", dest="date_to", type=parse_date, default=None,
                   help="last day covered (default: today)")
    add_store_args(p)
    add_today_arg(p)
    p.set_defaults(func=_report)
