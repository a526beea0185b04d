"""What the pack preview does with the pack: save, print, email, the JSON/CSV copies, each
with a busy state (one click, one email), and then the offer to record the response.
A mixin of PackPreviewDialog, kept apart so the dialog's layout and its behaviour can be
read (and changed) separately."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from privdesk.services.authz import Permission
from privdesk.services.files import write_atomic
from privdesk.services.mailer import OutgoingMail
from privdesk.services.pack_records import PreparedPack
from privdesk.services.request_records import RequestDetail
from privdesk.ui.packs.email_dialog import EmailReviewDialog
from privdesk.ui.packs.paperwork import Paperwork
from privdesk.ui.packs.printing import ask_and_print
from privdesk.ui.request_action_dialog import ActionDialog, respond_spec


class PackOutputs:
    """Needs from the dialog: _paperwork, _tasks, reference, summary, the output buttons
    (_outputs), schedule, protect, password, flow, review, response_dialog, busy_text,
    _on_changed, _fail and _update_buttons."""

    _paperwork: Paperwork
    _tasks: Any
    reference: str
    _outputs: Any
    busy_text: str | None
    response_dialog: ActionDialog | None
    review: EmailReviewDialog | None
    _on_changed: Callable[[], None] | None
    summary: Any
    schedule: Any
    protect: Any
    password: Any
    flow: Any

    def _fail(self, exc: Exception) -> None:
        raise NotImplementedError

    def _widget(self) -> QWidget:
        """The dialog this is mixed into, as the parent of the boxes it opens."""
        assert isinstance(self, QWidget)
        return self

    def _update_buttons(self, *_: Any) -> None:
        raise NotImplementedError

    def _busy(self, text: str | None) -> None:
        """While a pack is built, saved, printed or sent, nothing else may start: one
        click, one email. The line says what is happening."""
        self.busy_text = text
        ctx = self._paperwork.ctx
        for button, perm, _ in self._outputs:
            button.setEnabled(text is None and ctx.can(perm))
        self.schedule.setEnabled(text is None)
        self.protect.setEnabled(text is None)
        if text is not None:
            self.summary.setText(text)
        self._update_buttons()

    def _prepare(self, then: Callable[[PreparedPack], None], protect: bool = True) -> None:
        password = self.password.text() if protect and self.protect.isChecked() else None
        packs, ref, schedule = self._paperwork.packs, self.reference, self.schedule.isChecked()
        self._busy("Building the pack and checking it for redacted text…")
        self._tasks.run(lambda: packs.prepare(ref, password=password, include_schedule=schedule),
                        on_done=then, on_error=self._failed_busy)

    def _failed_busy(self, exc: Exception) -> None:
        self._busy(None)
        self._fail(exc)

    def _save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self._widget(), "Save pack", str(Path.home() / f"{self.reference} subject access response.pdf"),
            "PDF (*.pdf)")
        if path:
            self._prepare(lambda prepared: self._write(Path(path), prepared))

    def _write(self, path: Path, prepared: PreparedPack) -> None:
        """Write on the worker (a slow drive must not freeze the window), then keep it."""
        def written(_: object) -> None:
            self._keep(prepared, f"saved to a file ({path.name})", "secure_portal",
                       f"Saved {path.name} ({prepared.pages} pages).")

        def failed(exc: Exception) -> None:
            self._busy(None)
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            QMessageBox.warning(self._widget(), "Save pack", f"Could not save {path}: {reason}")

        content = prepared.content
        # A full disk leaves no half PDF behind (write_atomic).
        self._tasks.run(lambda: write_atomic(path, content), on_done=written, on_error=failed)

    def _keep(self, prepared: PreparedPack, how: str, method: str, said: str) -> None:
        """The pack went out: store it, put it on the timeline, offer to record the
        response."""
        packs = self._paperwork.packs
        self._tasks.run(lambda: packs.keep(prepared, how),
                        on_done=lambda _: self._went_out(said, method),
                        on_error=self._failed_busy)

    def _went_out(self, said: str, method: str) -> None:
        self._busy(None)
        self.summary.setText(said)
        self._changed()
        self.offer_response(method)

    def _copies(self) -> None:
        folder = QFileDialog.getExistingDirectory(self._widget(), "Save the JSON and CSV copies in",
                                                  str(Path.home()))
        if not folder:
            return
        packs, ref = self._paperwork.packs, self.reference

        def export() -> list[str]:
            names = []
            for fmt in ("json", "csv"):
                built = packs.export(ref, fmt)
                path = Path(folder) / built.document.filename  # already a safe name
                write_atomic(path, built.content)
                names.append(path.name)
            return names

        def saved(names: list[str]) -> None:
            self._busy(None)
            self.summary.setText(f"Saved {' and '.join(names)}.")
            self._changed()

        self._busy("Writing the JSON and CSV copies and checking them for redacted text…")
        self._tasks.run(export, on_done=saved, on_error=self._failed_busy)

    def _print(self) -> None:
        # Paper cannot carry a password: print the unprotected pack.
        def printed(prepared: PreparedPack) -> None:
            if ask_and_print(self._widget(), prepared.content):
                self._keep(prepared, "printed", "post", f"Printed {prepared.pages} pages.")
            else:
                self._busy(None)

        self._prepare(printed, protect=False)

    def _email(self) -> None:
        withheld = self.password.text() if self.protect.isChecked() else None
        packs, mail, ref = self._paperwork.packs, self._paperwork.mail, self.reference
        password = withheld
        schedule = self.schedule.isChecked()
        held: dict[str, PreparedPack] = {}

        def compose() -> OutgoingMail:
            prepared = packs.prepare(ref, password=password, include_schedule=schedule)
            held["pack"] = prepared
            composed: OutgoingMail = mail.compose_file(ref, prepared.filename, prepared.content,
                                                       "application/pdf", prepared.protected)
            return composed

        def keep(sent: OutgoingMail) -> None:  # only after the server took it
            packs.keep(held["pack"], f"emailed to {sent.to}")

        def hook(dialog: QDialog) -> None:
            if isinstance(dialog, EmailReviewDialog):
                self.review = dialog  # tests reach the live review step through this

        self.flow.on_dialog = hook
        self.flow.start(compose, withheld, keep)

    def _emailed(self, mail: OutgoingMail) -> None:
        note = (" Give the password to the requester separately, for example by phone."
                if mail.protected else "")
        self.summary.setText(f"Emailed to {mail.to}.{note}")
        self._changed()
        self.offer_response("email")

    # -- recording the response ----------------------------------------------------------
    def offer_response(self, method: str) -> None:
        """Straight after the pack went out: record the response (date, method) so the
        countdown stops. Only while the request is open and the role may change it."""
        if not self._paperwork.ctx.can(Permission.EDIT):
            return
        requests, ref = self._paperwork.requests, self.reference
        self._tasks.run(lambda: requests.get(ref),
                        on_done=lambda d: self._open_response(d, method), on_error=self._fail)

    def _open_response(self, d: RequestDetail, method: str) -> None:
        if not d.row.is_open:
            return
        requests, ref = self._paperwork.requests, self.reference
        dialog = ActionDialog(respond_spec(d, method), self._tasks,
                              lambda v: requests.respond(ref, v.on, v.choice or method),
                              self._paperwork.ctx.today(), earliest=d.row.received, parent=self._widget())
        dialog.accepted.connect(self._response_recorded)
        self.response_dialog = dialog
        dialog.open()

    def _response_recorded(self) -> None:
        d = self.response_dialog.result_detail if self.response_dialog else None
        if d is not None:
            verdict = "late" if d.row.late else "on time"
            self.summary.setText(f"Response recorded ({verdict}): {d.reference} is now "
                                 f"{d.row.status_label.lower()}.")
        self._changed()

    def _changed(self) -> None:
        if self._on_changed is not None:
            self._on_changed()
