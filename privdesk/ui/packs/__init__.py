"""Subject-access pack preview, redaction, print and email."""

from privdesk.ui.packs.preview_dialog import PackPreviewDialog, open_pack_dialog

__all__ = ["PackPreviewDialog", "open_pack_dialog"]
