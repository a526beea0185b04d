"""Breach documents: the ICO notification draft (the questions of the ICO's "Report a
personal data breach" form, answered from the register) and the Art. 34 letter to a
person affected, built from resources/letters/breach_notice.txt like the other letters.

The ICO asks that a report contains none of the personal data involved (no names of the
people affected): the draft is built from the breach's facts only, and the service
checks the text for the linked people's names and emails before it lets it go.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources

from reportlab.platypus import Flowable, Paragraph

from privdesk.domain.dates import long_date
from privdesk.policy import Policy
from privdesk.reports.blocks import grid, letterhead, p, sign_off
from privdesk.reports.layout import DocMeta, RenderedPdf, Styles, make_styles, render
from privdesk.reports.letters import TemplateError, Value, _body, placeholders

NOT_RECORDED = "Not recorded in the breach register: complete on the form."


@dataclass(frozen=True)
class BreachFacts:
    """What the documents say about one breach; times already in local words."""

    reference: str
    report_type: str  # "Initial report" / "Follow-up report"
    ico_reference: str | None
    summary: str
    cyber: str
    discovery: str | None
    aware_local: str  # Mon 26 Oct 2026 08:00 GMT
    aware_on: date
    occurred_local: str
    notify_by_local: str
    data_categories: tuple[str, ...]  # labels
    records_count: int | None
    people_count: int | None
    subject_categories: tuple[str, ...]  # labels
    consequences: str | None
    measures: str | None
    notified_local: str | None
    delay_reasons: str | None
    ico_decision: str  # words
    ico_reasons: str | None
    people_decision: str  # words
    people_reasons: str | None
    prepared_by: str
    prepared_on: date


def _approx(n: int | None) -> str:
    return f"About {n:,}" if n is not None else "Not yet known"


def _section(title: str, rows: Sequence[tuple[str, object]], styles: Styles) -> list[Flowable]:
    return [Paragraph(title, styles.h2),
            grid(("Question on the ICO form", "Our answer"), rows, (0.36, 0.64), styles)]


def build_ico_draft(policy: Policy, f: BreachFacts) -> RenderedPdf:
    styles = make_styles()
    c = policy.controller
    story: list[Flowable] = [
        Paragraph("Personal data breach: draft report to the ICO", styles.h1),
        p(f"Prepared on {long_date(f.prepared_on)} by {f.prepared_by} from breach "
          f"{f.reference} in the breach register. Copy each answer into the ICO's online form "
          "(Report a personal data breach). privdesk has checked that it holds no name or "
          "email address of the people linked to the breach; read the free-text answers "
          "before sending, as the ICO asks for no personal data of anyone affected.",
          styles.body),
        p(f"Notify the ICO by: {f.notify_by_local} (72 hours after we became aware).",
          styles.body),
    ]
    story += _section("1. About your report", [
        ("Report type", f.report_type),
        ("ICO case reference (follow-up reports)", f.ico_reference or "None yet"),
        ("Our reference", f.reference),
    ], styles)
    about = [
        ("What has happened?", f.summary),
        ("Was the breach caused by a cyber incident?", f.cyber),
        ("How did you find out about the breach?", f.discovery or NOT_RECORDED),
        ("When did you discover the breach?", f.aware_local),
        ("When did the breach happen?", f.occurred_local),
        ("Categories of personal data included", "; ".join(f.data_categories) or "Not yet known"),
        ("Number of personal data records concerned", _approx(f.records_count)),
        ("How many data subjects could be affected?", _approx(f.people_count)),
        ("Categories of data subjects affected",
         "; ".join(f.subject_categories) or "Not yet known"),
        ("Potential consequences for the data subjects", f.consequences or NOT_RECORDED),
    ]
    if f.notified_local:
        about.append(("When the ICO was notified", f.notified_local))
    if f.delay_reasons:
        about.append(("Reasons the report is later than 72 hours", f.delay_reasons))
    story += _section("2. About the breach", about, styles)
    story += _section("3. Cyber incidents", [
        ("Has the confidentiality, integrity or availability of your systems been affected?",
         f.cyber if f.cyber != "No" else "No cyber incident"),
        ("Impact on your organisation and recovery time", NOT_RECORDED),
    ], styles)
    story += _section("4. About the staff involved", [
        ("Was a member of staff involved, and what data protection training have they had?",
         NOT_RECORDED),
    ], styles)
    story += _section("5. Taking action", [
        ("Actions taken, or proposed, to contain the breach and limit its effects",
         f.measures or NOT_RECORDED),
        ("Our decision on notifying the ICO", f"{f.ico_decision}. {f.ico_reasons or ''}".strip()),
        ("Have you told the data subjects about the breach?",
         f"{f.people_decision}. {f.people_reasons or ''}".strip()),
        ("Preventive measures in place beforehand", "; ".join(policy.security_measures)),
    ], styles)
    story += _section("6. About you", [
        ("Organisation (data controller) name", c.name),
        ("Registration number", c.ico_registration),
        ("Address", ", ".join(c.address)),
        ("Person to contact about this report", f"{f.prepared_by}, {c.department}"),
        ("Contact email", c.privacy_email),
    ], styles)
    meta = DocMeta(f.reference, "Breach report draft", c.name,
                   f"{c.name} · ICO registration {c.ico_registration}")
    return render(story, meta)


def load_breach_template() -> str:
    return resources.files("privdesk.resources").joinpath("letters/breach_notice.txt") \
        .read_text(encoding="utf-8")


def build_breach_letter(policy: Policy, f: BreachFacts, name: str, address: tuple[str, ...],
                        advice: str, template: str | None = None) -> RenderedPdf:
    """The Art. 34(2) letter: what happened, the data, likely consequences, the measures
    taken and a contact point, in clear and plain words."""
    template = load_breach_template() if template is None else template
    a, c = policy.authority, policy.controller
    values: dict[str, Value] = {
        "name": name, "reference": f.reference, "aware_on": long_date(f.aware_on),
        "issued_on": long_date(f.prepared_on), "officer": f.prepared_by,
        "controller": c.name, "department": c.department, "privacy_email": c.privacy_email,
        "ico_name": a.name, "ico_website": a.website, "ico_helpline": a.helpline,
        "ico_address": ", ".join(a.address), "what_happened": f.summary,
        "data_involved": f.data_categories or ("We are still establishing this.",),
        "consequences": f.consequences or "We are still assessing what this may mean for you.",
        "measures": f.measures or "We are taking steps to contain the breach.",
        "advice": advice,
    }
    missing = sorted(placeholders(template) - values.keys())
    if missing:
        raise TemplateError(f"The breach letter template needs a value for: {', '.join(missing)}.")
    styles = make_styles()
    refs = [("Our reference", f.reference)]
    story = letterhead(c, name, address, f.prepared_on, refs, styles)
    story += _body(template, values, styles)
    story.append(sign_off(f.prepared_by, c, styles))
    meta = DocMeta(f.reference, "Personal data breach notice", c.name,
                   f"{c.name} · ICO registration {c.ico_registration}")
    return render(story, meta)
