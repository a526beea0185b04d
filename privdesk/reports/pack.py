"""The subject-access pack: cover letter, contents, the data held, the Art. 15
supplementary information, and the redaction schedule."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Spacer

from privdesk.reports.blocks import grid, letterhead, p, sign_off
from privdesk.reports.layout import (
    TEXT_W,
    DocMeta,
    PageRefs,
    RenderedPdf,
    Styles,
    make_styles,
    render,
)
from privdesk.reports.pack_model import PackInput, PackTable
from privdesk.reports.supplementary import HEADING as SUPPLEMENTARY_HEADING
from privdesk.reports.supplementary import supplementary
from privdesk.reports.text import REDACTED, long_date, short_date

TITLE = "Subject access response"
CONTENTS_HEADING = "Contents of this pack"
DATA_HEADING = "Part 2. The personal data we hold about you"
SCHEDULE_HEADING = "Schedule. Redaction log"


def _cover(pack: PackInput, styles: Styles) -> list[Flowable]:
    c = pack.policy.controller
    refs = [("Our reference", pack.reference),
            ("Your request received", long_date(pack.received_on))]
    if pack.id_received_on:
        refs.append(("Proof of identity received", long_date(pack.id_received_on)))
    out = letterhead(c, pack.requester_name, pack.requester_address, pack.issued_on, refs, styles)
    out += [p(f"Dear {pack.requester_name},", styles.body),
            p("Your subject access request", styles.h2)]
    held = sum(len(t.rows) for t in pack.tables if t.key != "contact")
    article = ("Article 20 (data portability)" if pack.request_type == "portability"
               else "Article 15")
    out.append(p(
        f"Thank you for your request of {long_date(pack.received_on)} for access to your "
        f"personal data under {article} of the UK General Data Protection Regulation. "
        f"We confirm that {c.name} processes personal data about you.", styles.body))
    if pack.extended_on:
        out.append(p(f"As we told you on {long_date(pack.extended_on)}, we extended the time "
                     "to respond to your request because of its complexity.", styles.body))
    out.append(p(
        "This pack contains a copy of all the personal data we hold about you (Part 2), "
        "with the supplementary information the law requires: why we use your data and on "
        "what legal basis, who we share it with, how long we keep it, where it came from, "
        "and your rights, including your right to complain to the Information "
        f"Commissioner's Office (Part 3). Besides your contact record, we found {held} "
        f"{'record' if held == 1 else 'records'} relating to you.", styles.body))
    if pack.redactions:
        out.append(p(
            "Some information has been withheld where disclosing it would reveal personal "
            "data about other people or where an exemption applies. Each place is marked "
            f"{REDACTED}, and the schedule at the end lists every redaction and its reason.",
            styles.body))
    if pack.protected:
        out.append(p("This document is protected by a password, which we will give you "
                     "separately. We never send it in the same message as the document.",
                     styles.body))
    out.append(p(
        "An electronic copy of your data in common machine-readable formats (JSON and CSV) "
        "is available on request. If anything in this pack is inaccurate, please tell us and "
        f"we will correct it. You can reach us at {c.privacy_email}, quoting the reference "
        "above.", styles.body))
    out.append(sign_off(pack.officer, c, styles))
    return out


def _contents(pack: PackInput, styles: Styles, refs: PageRefs) -> list[Flowable]:
    """The contents with the page each part starts on (filled in when the PDF is saved)."""
    page_w = 0.10 * TEXT_W - 8  # the page column, less the cell padding
    rows: list[tuple[object, ...]] = [("Part 1", "Cover letter", refs.slot("cover", page_w))]
    for i, t in enumerate(pack.tables):
        n = len(t.rows)
        unit = "entry" if n == 1 else "entries"
        rows.append(("Part 2", f"{t.title} ({n} {unit})", refs.slot(f"table{i}", page_w)))
    rows.append(("Part 3", "Supplementary information: purposes and legal bases, categories, "
                           "recipients and transfers, retention, source, your rights and the "
                           "ICO, automated decision-making", refs.slot("supplementary", page_w)))
    if pack.include_schedule and pack.redactions:
        n = len(pack.redactions)
        rows.append(("Schedule", f"Redaction log ({n} {'entry' if n == 1 else 'entries'})",
                     refs.slot("schedule", page_w)))
    return [p(CONTENTS_HEADING, styles.h1),
            grid(["Part", "Contents", "Page"], rows, (0.16, 0.74, 0.10), styles),
            Spacer(1, 4 * mm)]


def _table(t: PackTable, styles: Styles, mark: Flowable) -> list[Flowable]:
    out: list[Flowable] = [CondPageBreak(40 * mm), mark, p(t.title, styles.h2)]
    if t.intro:
        out.append(p(t.intro, styles.small))
    if t.rows:
        out.append(grid(t.columns, [r.cells for r in t.rows], t.widths, styles))
    else:
        out.append(p(t.empty_text, styles.body))
    return out


def _schedule(pack: PackInput, styles: Styles, mark: Flowable) -> list[Flowable]:
    rows = [(str(i), r.item, "Withheld entirely" if r.action == "exclude" else "Redacted",
             r.reason, r.officer, short_date(r.at.date()))
            for i, r in enumerate(pack.redactions, start=1)]
    return [PageBreak(), mark, p(SCHEDULE_HEADING, styles.h1),
            p("Information withheld from this pack to protect other people's personal data "
              "(UK GDPR Article 15(4); Data Protection Act 2018, Schedule 2, paragraph 16) or "
              "under another exemption, with the reason for each decision.", styles.small),
            grid(["No.", "Item", "Action", "Reason", "Officer", "Date"], rows,
                 (0.065, 0.235, 0.14, 0.30, 0.13, 0.13), styles)]


def build_pack(pack: PackInput) -> RenderedPdf:
    styles = make_styles()
    refs = PageRefs()
    story: list[Flowable] = [refs.mark("cover"), *_cover(pack, styles)]
    story += [PageBreak(), *_contents(pack, styles, refs), p(DATA_HEADING, styles.h1)]
    for i, t in enumerate(pack.tables):
        story += _table(t, styles, refs.mark(f"table{i}"))
    story += [PageBreak(), refs.mark("supplementary"), *supplementary(pack, styles)]
    if pack.include_schedule and pack.redactions:
        story += _schedule(pack, styles, refs.mark("schedule"))
    c = pack.policy.controller
    meta = DocMeta(pack.reference, TITLE, c.name,
                   f"{c.name} · ICO registration {c.ico_registration}", refs)
    return render(story, meta)


SECTION_HEADINGS = (CONTENTS_HEADING, DATA_HEADING, SUPPLEMENTARY_HEADING)
