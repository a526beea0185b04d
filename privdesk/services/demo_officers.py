"""Who can open the demo store, and with what: constants only (no imports), so the unlock
dialog can name them without loading the demo generator."""

from __future__ import annotations

DEMO_PASSPHRASE = "demo-only-not-secret"  # noqa: S105 (shown on screen by design)
DEMO_OFFICERS = [("Alex Morgan", "admin"), ("Priya Shah", "officer"), ("Sam Okafor", "officer"),
                 ("Jo Lewis", "viewer")]
DEMO_ADMIN = DEMO_OFFICERS[0][0]
