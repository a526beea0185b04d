"""Words for the import dialog: what a checked file still needs from the officer, and
the validation report's rows (errors, possible duplicates, people already in the
register, suppressed people) with, after an import, what it did."""

from __future__ import annotations

from privdesk.services.contacts_import import ImportResult, summary_rows

NEEDS = {"encoding": "choose the file's encoding (check the names shown)",
         "date_order": "choose how the dates are written",
         "columns": "map or ignore the opt-out column(s) marked ⚠",
         "values": "choose what each unmapped source or status value imports as",
         "header": "give the file a name column", "file": "fix the file"}


def needs_text(needs: tuple[str, ...]) -> str:
    return "Before importing: " + "; ".join(NEEDS.get(n, n) for n in needs) + "."


def importable(result: ImportResult) -> bool:
    """Valid rows, and nothing file-wide left to decide (unmapped values only hold back
    their own rows)."""
    return result.valid > 0 and not set(result.needs) - {"values"}


def report_rows(result: ImportResult) -> list[tuple[str, str, str]]:
    """After an import its summary first (so a clean import has a report to save too)."""
    rows = summary_rows(result)
    rows += [(str(e.line), e.field, e.reason) for e in result.errors]
    rows += [(str(d.line), "possible duplicate", f"looks like {d.other} "
              f"({', '.join(d.reasons)})") for d in result.duplicates]
    rows += [(str(m.line), "already in the register",
              f"contact #{m.contact_id} ({m.reason}): {m.action}") for m in result.matched]
    rows += [(str(n), "suppressed", "on the suppression list: not imported")
             for n in result.suppressed]
    return rows
