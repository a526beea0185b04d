"""The one base of the errors the services raise.

A `ServiceError` means the action did not happen and nothing was changed; its message is
plain words the faces show as they are (a dialog, a CLI line). Each subclass also keeps
the built-in base it always had (ValueError, LookupError, PermissionError, StoreError), so
callers that catch those still work.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A service refused or could not do what was asked; nothing was changed."""
