"""The audit trail in words: what each action code means, for the Audit area.

The trail itself keeps the codes (`pack.redact`), which are stable for exports and
scripts; officers read these words instead.
"""

from __future__ import annotations

import json
from datetime import date

from privdesk.domain.dates import short_date

ACTIONS: dict[str, str] = {
    "audit.export": "Exported the audit trail",
    "backup.create": "Backed up the store",
    "backup.restore": "Restored a backup",
    "breach.close": "Closed a breach",
    "breach.create": "Recorded a breach",
    "breach.decide_ico": "Decided whether to notify the ICO",
    "breach.decide_people": "Decided whether to tell the people affected",
    "breach.ico_draft": "Wrote the ICO report draft",
    "breach.letters": "Wrote letters to the people affected",
    "contacts.create": "Added a contact",
    "contacts.export": "Exported contacts",
    "contacts.import": "Imported contacts",
    "contacts.merge": "Merged duplicate contacts",
    "contacts.opt_out": "Recorded a marketing opt-out",
    "contacts.update": "Changed a contact",
    "demo.generate": "Filled the store with demo data",
    "document.read": "Opened a stored document",
    "erasure.erase": "Erased a person's data",
    "erasure.exempt": "Kept data exempt from erasure",
    "letter.build": "Wrote a letter",
    "mail.test": "Sent a test email",
    "officer.add": "Added an officer",
    "officer.passphrase": "Changed a passphrase",
    "officer.remove": "Removed an officer",
    "officer.role": "Changed an officer's role",
    "pack.build": "Built a response pack",
    "pack.email": "Emailed a response",
    "pack.email_compose": "Prepared an email",
    "pack.email_draft": "Saved an email draft",
    "pack.export": "Exported a data copy (JSON/CSV)",
    "pack.preview": "Previewed a response pack",
    "pack.redact": "Redacted or withheld an item",
    "pack.unredact": "Lifted a redaction",
    "request.create": "Recorded a new request",
    "request.export_log": "Exported the request log",
    "retention.hold_lift": "Lifted a legal hold",
    "retention.hold_set": "Set a legal hold",
    "retention.purge": "Purged data due for deletion",
    "retention.recompute": "Recalculated retention dates",
    "report.export": "Exported the management report",
    "retention.report_export": "Exported the retention report",
    "ropa.export": "Exported the record of processing",
    "secret.change": "Changed a stored secret",
    "secret.create": "Stored a new secret",
    "settings.change": "Changed a setting",
    "store.lock": "Locked the store",
    "store.rotate_key": "Rotated the data key",
    "store.unlock": "Unlocked the store",
    "store.upgrade": "Upgraded the store",
    "suppression.add": "Added to the suppression list",
}

REQUEST_ACTIONS: dict[str, str] = {
    "verify_id": "Recorded proof of identity", "id_received": "Recorded proof of identity",
    "ask_id": "Asked for proof of identity", "link_contact": "Linked a person to a request",
    "respond": "Recorded the response", "pause": "Paused the clock",
    "resume": "Restarted the clock", "extend": "Extended the deadline",
    "assign": "Assigned a request", "refuse": "Refused a request",
    "close": "Closed a request", "withdraw": "Recorded a withdrawal",
}

TARGETS: dict[str, str] = {"contact": "Contact", "request": "Request", "officer": "Officer",
                           "secret": "Secret",
                           "settings": "Settings", "setting": "Setting", "store": "Store",
                           "breach": "Breach", "ropa": "Record of processing",
                           "report": "Management report"}

# The detail of a breach decision is its outcome code (breach.ico_decision / people_decision).
DETAILS: dict[str, str] = {
    "notify": "Notify the ICO", "not_notify": "Not notifying the ICO",
    "notify late": "Notify the ICO (after 72 hours)", "tell": "Tell the people affected",
    "not_tell": "Not telling the people affected"}


def action_words(code: str) -> str:
    """"pack.redact" -> "Redacted or withheld an item"; an unknown code reads as itself."""
    if code in ACTIONS:
        return ACTIONS[code]
    group, _, name = code.partition(".")
    if group == "request" and name in REQUEST_ACTIONS:
        return REQUEST_ACTIONS[name]
    return code.replace("_", " ").replace(".", ": ", 1).capitalize()


def detail_words(action: str, detail: str) -> str:
    """A breach decision's outcome code in words ("not_notify" -> "Not notifying the ICO"),
    a purge's counts (stored as JSON) in a sentence; any other detail as recorded."""
    if action in ("breach.decide_ico", "breach.decide_people"):
        return DETAILS.get(detail, detail)
    if action == "retention.purge":
        return _purge_words(detail)
    return detail


def _count(n: object, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}" if isinstance(n, int) else f"{n} {many}"


def _purge_words(detail: str) -> str:
    """'{"due_by": "2026-11-29", "contacts": 119, …}' -> '119 contacts due by 29 Nov 2026
    deleted, with 224 interactions, …'; a detail that is not that JSON reads as itself."""
    try:
        counts = json.loads(detail)
        due = date.fromisoformat(str(counts["due_by"]))
        parts = [_count(counts[k], one, many) for k, one, many in (
            ("interactions", "interaction", "interactions"),
            ("disclosures", "disclosure", "disclosures"),
            ("history", "history entry", "history entries"),
            ("documents", "stored document", "stored documents")) if k in counts]
        return (f"{_count(counts['contacts'], 'contact', 'contacts')} due by "
                f"{short_date(due)} deleted" + (f", with {', '.join(parts)}" if parts else ""))
    except (ValueError, KeyError, TypeError):
        return detail


# The settings and secrets an event names, as the Settings dialog labels them.
SETTINGS: dict[str, str] = {
    "bank_holiday_nation": "Bank holidays", "phone_region": "Phone region",
    "auto_lock_minutes": "Lock after idle", "timezone": "Time zone",
    "backup.folder": "Backup folder", "backup.keep_daily": "Daily backups kept",
    "backup.keep_weekly": "Weekly backups kept", "backup.keep_monthly": "Monthly backups kept",
    "smtp.host": "Email server", "smtp.port": "Email port", "smtp.security": "Email security",
    "smtp.user": "Email user", "smtp.from": "Email from address",
    "smtp.password": "Email password", "suppression_hmac": "Suppression list key",
    "team.outage_lock_seconds": "Team server outage lock"}


def target_words(target_type: str | None, target_id: str | None, name: str = "") -> str:
    """"request", "37", "SAR-2026-0037" -> "Request SAR-2026-0037"."""
    if not target_type:
        return ""
    kind = TARGETS.get(target_type, target_type.replace("_", " ").capitalize())
    if target_type in ("setting", "secret") and target_id in SETTINGS:
        return f"{kind}: {SETTINGS[target_id]}"  # "Setting: Email from address"
    if name:
        return f"{kind} {name}" if kind not in ("Officer", "Setting") else name
    return f"{kind} #{target_id}" if target_id else kind
