"""Subject-access pack preview, redaction, letters, print and email."""

from privdesk.ui.packs.document_dialog import DocumentDialog, open_letter_dialog
from privdesk.ui.packs.paperwork import Paperwork
from privdesk.ui.packs.preview_dialog import PackPreviewDialog, open_pack_dialog

__all__ = ["DocumentDialog", "Paperwork", "PackPreviewDialog", "open_letter_dialog", "open_pack_dialog"]
