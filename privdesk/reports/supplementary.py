"""Part 3 of the pack: the Art. 15 supplementary information, all drawn from the
policy, plus the source and retention facts of this person."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph, Spacer

from privdesk.reports.blocks import bullets, grid, p
from privdesk.reports.layout import Styles
from privdesk.reports.pack_model import PackInput
from privdesk.reports.text import markup

HEADING = "Part 3. Supplementary information (UK GDPR Article 15)"
TRANSFERS_HEADING = "Transfers outside the UK, and their safeguards"

RIGHT_TITLES = {
    "access": "Access", "rectification": "Rectification", "erasure": "Erasure",
    "restriction": "Restriction of processing", "objection": "Objection",
    "portability": "Data portability", "complaint": "Complaint",
}


def supplementary(pack: PackInput, styles: Styles) -> list[Flowable]:
    policy = pack.policy
    out: list[Flowable] = [p(HEADING, styles.h1)]

    out.append(p("Purposes and legal bases", styles.h2))
    out.append(grid(["Purpose", "Legal basis", "Your choice"],
                    [(x.description, x.legal_basis, x.opt_out or "") for x in policy.purposes],
                    (0.40, 0.26, 0.34), styles))  # an email address fits its cell whole

    out.append(p("Categories of personal data", styles.h2))
    out += bullets([f"{c.label}: {', '.join(c.items)}" for c in policy.categories], styles)
    out.append(p(policy.sensitive_data, styles.body))

    out.append(p("Recipients", styles.h2))
    out.append(p("We may share your personal data with the following recipients or categories "
                 "of recipient. The table of disclosures in Part 2 lists any disclosure of "
                 "your data we have recorded.", styles.body))
    out.append(grid(["Recipient", "Category", "Country"],
                    [(r.name, r.category, r.country or "—")
                     for r in policy.recipients], (0.56, 0.22, 0.22), styles))

    out.append(p(TRANSFERS_HEADING, styles.h2))
    abroad = policy.transfers_abroad()
    if abroad:
        out.append(p("Each recipient outside the UK, and the safeguard that protects your data "
                     "when it is sent there (UK GDPR Chapter V):", styles.body))
        out.append(grid(["Recipient", "Country", "Safeguard"],
                        [(r.name, r.country or "—", t.safeguard) for r, t in abroad],
                        (0.30, 0.16, 0.54), styles))
    else:
        out.append(p("We do not send your personal data outside the UK.", styles.body))

    out.append(p("Retention period and criteria", styles.h2))
    out += bullets([r.description for r in policy.retention], styles)
    if pack.retention:
        out.append(p("For you in particular:", styles.body))
        out += bullets(pack.retention, styles)

    out.append(p("Source of your personal data", styles.h2))
    if pack.sources:
        out.append(p("The personal data described in this pack came from:", styles.body))
        out += bullets(pack.sources, styles)
    else:
        out.append(p("We hold no record of where your data came from.", styles.body))

    out.append(p("Your rights", styles.h2))
    out += [Paragraph(f"<b>{markup(RIGHT_TITLES.get(k, k.title()))}:</b> {markup(v)}",
                      styles.bullet, bulletText="•") for k, v in policy.rights.items()]
    out.append(Spacer(1, 4))
    out.append(p(f"To exercise any of these rights, write to {policy.controller.department}, "
                 f"{policy.controller.name}, or email {policy.controller.privacy_email}.",
                 styles.body))

    a = policy.authority
    out.append(p("Your right to complain to the ICO", styles.h2))
    out.append(p(f"If you are unhappy with how we have handled your personal data or this "
                 f"request, you have the right to complain to the {a.name}, the UK "
                 f"supervisory authority:", styles.body))
    out += bullets([", ".join(a.address), f"Helpline: {a.helpline}", f"Website: {a.website}"],
                   styles)

    out.append(p("Automated decision-making", styles.h2))
    out.append(p(policy.automated_decisions_statement, styles.body))
    return out
