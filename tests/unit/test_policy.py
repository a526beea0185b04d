from __future__ import annotations

from importlib import resources

import pytest

from privdesk.policy import PolicyError, load_policy, parse_policy

DEFAULT = resources.files("privdesk.resources").joinpath("policy/default.toml").read_text("utf-8")


def test_shipped_policy_has_everything_the_policy_text_says() -> None:
    p = load_policy()
    assert p.controller.name == "Optex (Europe) Limited"
    assert p.controller.ico_registration == "Z9304332"
    assert "SL6 7BU" in p.controller.address
    assert p.controller.privacy_email == "privacy@optex-europe.com"
    assert {c.key for c in p.categories} == {"contact", "company"}
    assert {s.key for s in p.sources} >= {"enquiry_form", "call", "email", "online_message",
                                          "meeting", "event", "group_affiliate"}
    affiliates = {r.name for r in p.recipients}
    assert {"Optex Technologies B.V.", "Optex Security France", "Optex Poland",
            "Optex Japan"} <= affiliates
    assert p.recipient("optex_japan").transfer == "uk_adequacy"  # type: ignore[union-attr]
    assert "UK adequacy regulations" in p.transfers[0].safeguard
    # Every recipient outside the UK names its safeguard, EEA group companies included.
    abroad = {r.name: t.key for r, t in p.transfers_abroad()}
    assert abroad == {"Optex Technologies B.V.": "uk_adequacy",
                      "Optex Security France": "uk_adequacy", "Optex Poland": "uk_adequacy",
                      "Optex Japan": "uk_adequacy"}
    assert {t.key for t in p.transfers} == {"uk_adequacy", "uk_idta", "uk_addendum"}
    rules = {r.applies_to: r.months for r in p.retention}
    assert rules == {"enquirer": 12, "customer": 0, "former_customer": 84}
    assert "Database encryption" in p.security_measures
    assert set(p.rights) >= {"access", "rectification", "erasure", "complaint"}
    assert p.authority.name == "Information Commissioner's Office"
    assert (p.response_months, p.extended_months) == (1, 3)
    assert p.automated_decisions_used is False


@pytest.mark.parametrize(("old", "new", "key"), [
    ("months = 12\n", 'months = "twelve"\n', "retention[0].months"),
    ('ico_registration = "Z9304332"\n', "", "controller.ico_registration"),
    ('basis = "ceased"', 'basis = "whenever"', "retention[2].basis"),
    ("used = false", 'used = "no"', "automated_decisions.used"),
    ('transfer = "uk_adequacy"', 'transfer = "nowhere"', "recipients[0].transfer"),
    ('transfer = "uk_adequacy"', "", "recipients[0].transfer"),  # abroad with no safeguard
    ("[response]\nmonths = 1", "[response]\nmonths = 0", "response.months"),
])
def test_malformed_policy_names_the_key(old: str, new: str, key: str) -> None:
    assert old in DEFAULT
    with pytest.raises(PolicyError) as err:
        parse_policy(DEFAULT.replace(old, new, 1))
    assert str(err.value).startswith(key)


def test_not_toml_at_all() -> None:
    with pytest.raises(PolicyError, match="not valid TOML"):
        parse_policy("[[[nope")
