"""The record of processing activities (Art. 30): every element of the policy file is in
the PDF (read back with pdftotext) and the CSV, with the register's live counts."""

from __future__ import annotations

import csv
import dataclasses
import subprocess
from datetime import date
from pathlib import Path

import pytest

from privdesk.domain.contact_records import ContactInput
from privdesk.policy import Policy
from privdesk.services.authz import PermissionDenied
from privdesk.services.container import Services
from privdesk.services.context import Actor
from privdesk.services.request_records import NewRequest


def _flat(text: str) -> str:
    return " ".join(text.split())


def policy_elements(policy: Policy) -> list[str]:
    c = policy.controller
    out = [c.name, c.ico_registration, c.department, c.privacy_email, c.marketing_email,
           *c.address, policy.sensitive_data, policy.automated_decisions_statement]
    for pu in policy.purposes:
        out += [pu.description, pu.legal_basis, *([pu.opt_out] if pu.opt_out else [])]
    for cat in policy.categories:
        out += [cat.label, *cat.items]
    out += [s.label for s in policy.subjects] + [s.label for s in policy.sources]
    for r in policy.recipients:
        out += [r.name, r.category, *([r.country] if r.country else [])]
    for t in policy.transfers:
        out += [t.destination, t.safeguard]
    for rule in policy.retention:
        out += [rule.name, rule.description]
    out += list(policy.security_measures)
    out += [policy.security_description] if policy.security_description else []
    return out


@pytest.fixture
def filled(services: Services) -> Services:
    for i, (status, source) in enumerate([("enquirer", "call"), ("enquirer", "event"),
                                          ("customer", "call"), ("former_customer", "email")]):
        services.contacts.create(ContactInput(name=f"Person {i}", status=status, source=source,
                                              ceased=date(2025, 1, 1)
                                              if status == "former_customer" else None))
    services.requests.create(NewRequest("access", date(2026, 11, 2), "A"))
    services.requests.create(NewRequest("erasure", date(2025, 6, 2), "B"))
    return services


def test_every_policy_element_is_in_the_pdf_with_live_counts(filled: Services, policy: Policy,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "ropa.pdf"
    pages = filled.ropa.pdf(out)
    text = _flat(subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True,
                                text=True, check=True).stdout)
    assert pages >= 2
    missing = [e for e in policy_elements(policy) if _flat(e) not in text]
    assert missing == []
    assert policy.subjects and policy.security_description  # the seed policy's additions
    counts = filled.ropa.counts()
    assert dict(counts.people_by_status) == {"enquirer": 2, "customer": 1, "former_customer": 1}
    assert counts.people_by_source == {"call": 2, "event": 1, "email": 1}
    assert counts.requests_by_type["Access"] == (1, 1, 0)
    assert counts.requests_last_12_months == 1  # the erasure request is older than a year
    assert "Telephone call 2" in text and "All people in the register 4" in text
    assert "Requests received in the last 12 months: 1" in text


def test_csv_has_every_element(filled: Services, policy: Policy,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "ropa.csv"
    rows = filled.ropa.csv(out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0] == ["section", "item", "detail", "count_or_safeguard"]
    assert len(lines) == rows + 1
    cells = " ".join(_flat(c) for line in lines for c in line)
    assert [e for e in policy_elements(policy) if _flat(e) not in cells] == []
    assert ["Source", "Telephone call", "call", "2"] in lines


def test_csv_cells_a_spreadsheet_would_run_are_neutralised(services: Services, policy: Policy,
                                                          tmp_path: Path) -> None:
    hostile = dataclasses.replace(policy.purposes[0], description="=HYPERLINK(\"http://x\")",
                                  legal_basis="@SUM(A1)")
    services.ctx.policy = dataclasses.replace(policy, purposes=(hostile, *policy.purposes[1:]))
    out = tmp_path / "ropa.csv"
    services.ropa.csv(out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        purpose = next(line for line in csv.reader(fh) if line[0] == "Purpose")
    assert purpose[1:3] == ["'=HYPERLINK(\"http://x\")", "'@SUM(A1)"]


def test_viewer_cannot_export(filled: Services, tmp_path: Path) -> None:
    filled.ctx.actor = Actor("Vi", "viewer")
    with pytest.raises(PermissionDenied):
        filled.ropa.pdf(tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


def test_a_policy_file_without_the_new_fields_still_loads_and_builds(tmp_path: Path) -> None:
    from importlib import resources

    from privdesk.policy import parse_policy
    from privdesk.reports.ropa import RopaCounts, build_ropa

    text = resources.files("privdesk.resources").joinpath("policy/default.toml").read_text(
        encoding="utf-8")
    start = text.index("subjects = [")
    text = text[:start] + text[text.index("]\n", text.index("former_customer", start)) + 2:]
    text = "\n".join(line for line in text.splitlines() if not line.startswith("description = \"Suitable"))
    old = parse_policy(text)
    assert old.subjects == () and old.security_description is None
    pdf = build_ropa(old, RopaCounts(date(2026, 11, 24), {"customer": 3}, {}, {}, 0), "Officer")
    assert pdf.pages >= 1
