"""Words for the import dialog: what a checked file still needs from the officer, and
the validation report's rows (errors, possible duplicates, people already in the
register, suppressed people) with, after an import, what it did."""

from __future__ import annotations

from privdesk.domain.display import plural
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


def checked_text(result: ImportResult) -> str:
    """After a check, under what the file still needs (if anything): what importing it
    would do, then what the officer should know about the whole file."""
    if result.needs:
        text = ""  # the dialog says first what the file still needs
    elif result.errors and not result.valid:
        text = "Nothing can be imported: see the validation report."
    elif result.rejected:
        text = (f"{plural(result.valid, 'row')} {'is' if result.valid == 1 else 'are'} valid "
                f"and {result.rejected:,} {'has' if result.rejected == 1 else 'have'} errors. "
                "Fix the file, or tick “Import only the valid rows”.")
    else:
        text = ("The row is valid." if result.valid == 1 else
                f"All {result.valid:,} rows are valid.")
    text += duplicates_text(result)
    if result.objections:
        text += f" {plural(result.objections, 'objection')} to marketing will be recorded."
    if result.matched:
        n = len(result.matched)
        text += f" {n:,} {'is' if n == 1 else 'are'} already in the register."
    return text + warnings_text(result)


def imported_text(result: ImportResult) -> str:
    """After a committed import: what it did, and the same notes on the whole file."""
    return (f"Imported {plural(result.imported, 'contact')}."
            + (f" Skipped {plural(result.rejected, 'invalid row')}." if result.rejected else "")
            + (f" Updated {result.updated:,} already in the register." if result.updated else "")
            + (f" Recorded {plural(result.objections, 'objection')} to marketing."
               if result.objections else "")
            + duplicates_text(result) + warnings_text(result))



def duplicates_text(result: ImportResult) -> str:
    if not result.duplicates:
        return ""
    n = len({d.line for d in result.duplicates})  # one entry per (row, match): rows
    return (f" {n:,} {'looks like a duplicate' if n == 1 else 'look like duplicates'}"
            " (see the report).")


def warnings_text(result: ImportResult) -> str:
    return "".join(f"\n{w}" for w in result.warnings)
