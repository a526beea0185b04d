"""The record of processing activities (UK GDPR Art. 30(1)), built from the policy file
and the register's live counts, as a PDF and as rows for a CSV.

Every element comes from the Policy (nothing here restates what the policy says), so a
change to resources/policy/default.toml changes the record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from privdesk.domain.dates import long_date
from privdesk.policy import Policy
from privdesk.reports.blocks import bullets, grid, label_value, p
from privdesk.reports.layout import DocMeta, RenderedPdf, make_styles, render


@dataclass(frozen=True)
class RopaCounts:
    """The register as it stands: what the record's live figures are made of."""

    as_of: date
    people_by_status: Mapping[str, int]
    people_by_source: Mapping[str, int]
    requests_by_type: Mapping[str, tuple[int, int, int]]  # type label -> (received, open, answered)
    requests_last_12_months: int
    breaches: tuple[int, int, int] = (0, 0, 0)  # logged, notified, not notified
    deletions: int = 0  # tombstones
    suppressed: int = 0  # identifiers kept as keyed hashes


def _period(months: int, basis: str) -> str:
    if basis == "none" or months == 0:
        return "While the relationship lasts"
    years, rest = divmod(months, 12)
    span = f"{years} year{'s' if years != 1 else ''}" if not rest else f"{months} months"
    return f"{span} from {'the last contact' if basis == 'last_activity' else 'the date it ended'}"


def _recipient_safeguard(policy: Policy, transfer_key: str | None) -> str:
    t = policy.transfer(transfer_key) if transfer_key else None
    return t.safeguard if t else "No transfer outside the UK"


def ropa_rows(policy: Policy, counts: RopaCounts) -> list[tuple[str, str, str, str]]:
    """(section, item, detail, count) rows: the CSV form, and what the PDF's tables show."""
    c = policy.controller
    rows: list[tuple[str, str, str, str]] = [
        ("Controller", "Name", c.name, ""),
        ("Controller", "ICO registration", c.ico_registration, ""),
        ("Controller", "Address", ", ".join(c.address), ""),
        ("Controller", "Contact", f"{c.department}, {c.privacy_email}", ""),
        ("Controller", "Marketing opt-out contact", c.marketing_email, ""),
    ]
    rows += [("Purpose", pu.description, pu.legal_basis, pu.opt_out or "")
             for pu in policy.purposes]
    total = sum(counts.people_by_status.values())
    if policy.subjects:
        rows += [("Categories of people", s.label, s.status or "",
                  str(counts.people_by_status.get(s.status or "", 0))) for s in policy.subjects]
    rows += [("Categories of personal data", cat.label, ", ".join(cat.items), "")
             for cat in policy.categories]
    rows.append(("Categories of personal data", "Special category data", policy.sensitive_data, ""))
    rows += [("Source", s.label, s.key, str(counts.people_by_source.get(s.key, 0)))
             for s in policy.sources]
    rows += [("Recipient", r.name, "; ".join(x for x in (r.category, r.country or "") if x),
              _recipient_safeguard(policy, r.transfer)) for r in policy.recipients]
    for t in policy.transfers:
        to = [r.name for r in policy.recipients if r.transfer == t.key]
        rows.append(("Transfer", t.destination, t.safeguard, ", ".join(to)))
    rows += [("Retention", r.name, r.description, _period(r.months, r.basis))
             for r in policy.retention]
    if policy.security_description:
        rows.append(("Security", "General description", policy.security_description, ""))
    rows += [("Security", m, "", "") for m in policy.security_measures]
    rows.append(("Automated decisions", "Used" if policy.automated_decisions_used else "Not used",
                 policy.automated_decisions_statement, ""))
    rows.append(("Register", "People in the register", "", str(total)))
    for label, (received, open_, answered) in counts.requests_by_type.items():
        rows.append(("Requests handled", label, f"open {open_}, answered {answered}",
                     str(received)))
    logged, notified, not_notified = counts.breaches
    rows.append(("Breaches", "Logged", f"notified to the ICO {notified}, not notified "
                 f"{not_notified}", str(logged)))
    rows.append(("Deletions", "Records deleted (tombstones)", "", str(counts.deletions)))
    return rows


def build_ropa(policy: Policy, counts: RopaCounts, prepared_by: str) -> RenderedPdf:
    styles = make_styles()
    c = policy.controller
    s: list[Flowable] = [
        Paragraph("Record of processing activities (UK GDPR Article 30)", styles.h1),
        p(f"{c.name} as controller. Built by privdesk on {long_date(counts.as_of)} from "
          f"the policy \u201c{policy.name}\u201d (last updated {policy.last_updated}) and the "
          f"register as it stood that day. Prepared by {prepared_by}.", styles.body),
        Paragraph("1. Controller (Art. 30(1)(a))", styles.h2),
        label_value("Name", c.name, styles), label_value("ICO registration", c.ico_registration,
                                                          styles),
        label_value("Address", ", ".join(c.address), styles),
        label_value("Contact", f"{c.department}, {c.privacy_email}", styles),
        label_value("Marketing opt-out", c.marketing_email, styles),
        Paragraph("2. Purposes and legal bases (Art. 30(1)(b))", styles.h2),
        grid(("Purpose", "Legal basis", "Opting out"),
             [(pu.description, pu.legal_basis, pu.opt_out or "") for pu in policy.purposes],
             (0.4, 0.26, 0.34), styles),
        Paragraph("3. Categories of people and of personal data (Art. 30(1)(c))", styles.h2),
    ]
    total = sum(counts.people_by_status.values())
    if policy.subjects:
        s.append(grid(("Category of people", f"In the register on {long_date(counts.as_of)}"),
                      [(x.label, f"{counts.people_by_status.get(x.status or '', 0):,}")
                       for x in policy.subjects] + [("All people in the register", f"{total:,}")],
                      (0.7, 0.3), styles))
        s.append(Spacer(1, 3 * mm))
    s.append(grid(("Category of personal data", "Items"),
                  [(cat.label, ", ".join(cat.items)) for cat in policy.categories]
                  + [("Special category data", policy.sensitive_data)], (0.3, 0.7), styles))
    s += [Paragraph("Where the data comes from", styles.h3),
          grid(("Source", "People in the register"),
               [(x.label, f"{counts.people_by_source.get(x.key, 0):,}") for x in policy.sources],
               (0.7, 0.3), styles),
          Paragraph("4. Recipients (Art. 30(1)(d))", styles.h2),
          grid(("Recipient", "Category", "Country", "Safeguard for a transfer"),
               [(r.name, r.category, r.country or "", _recipient_safeguard(policy, r.transfer))
                for r in policy.recipients], (0.34, 0.16, 0.14, 0.36), styles),
          Paragraph("5. Transfers outside the UK and their safeguards (Art. 30(1)(e))",
                    styles.h2),
          grid(("Destination", "Safeguard", "Recipients"),
               [(t.destination, t.safeguard,
                 ", ".join(r.name for r in policy.recipients if r.transfer == t.key))
                for t in policy.transfers], (0.32, 0.4, 0.28), styles),
          Paragraph("6. Retention periods (Art. 30(1)(f))", styles.h2),
          grid(("Rule", "Period", "What the policy says"),
               [(r.name, _period(r.months, r.basis), r.description) for r in policy.retention],
               (0.3, 0.25, 0.45), styles),
          Paragraph("7. Security measures (Art. 30(1)(g))", styles.h2)]
    if policy.security_description:
        s.append(p(policy.security_description, styles.body))
    s += bullets(policy.security_measures, styles)
    s += [Paragraph("Automated decision-making", styles.h3),
          p(policy.automated_decisions_statement, styles.body),
          Paragraph(f"8. The register on {long_date(counts.as_of)}", styles.h2),
          grid(("Requests by type", "Received", "Open", "Answered"),
               [(label, f"{r:,}", f"{o:,}", f"{a:,}")
                for label, (r, o, a) in counts.requests_by_type.items()],
               (0.46, 0.18, 0.18, 0.18), styles), Spacer(1, 3 * mm)]
    logged, notified, not_notified = counts.breaches
    s += [label_value("Requests received in the last 12 months",
                      f"{counts.requests_last_12_months:,}", styles),
          label_value("Personal data breaches logged",
                      f"{logged:,} ({notified:,} notified to the ICO, {not_notified:,} not "
                      "notified, with reasons)", styles),
          label_value("Records deleted under the retention rules or on request (tombstones)",
                      f"{counts.deletions:,}", styles),
          label_value("Identifiers kept only as keyed hashes (suppression list)",
                      f"{counts.suppressed:,}", styles)]
    meta = DocMeta(f"RoPA {counts.as_of.isoformat()}", "Record of processing activities",
                   c.name, f"{c.name} · ICO registration {c.ico_registration}")
    return render(s, meta)
