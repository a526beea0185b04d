"""Who may do what. Roles are enforced here, in the services, not only in the UI.

admin: everything, including officers and settings; officer: day-to-day work;
viewer: read-only (no edits, exports, packs, emails or purges).
"""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    VIEW = "view"
    EDIT = "edit"  # contacts, requests, holds, redactions
    EXPORT = "export"  # CSV/JSON exports, purge reports, request logs
    PACK = "pack"  # build subject-access packs and letters
    EMAIL = "email"
    PURGE = "purge"  # retention purge and erasure
    IMPORT = "import"
    MANAGE_OFFICERS = "manage_officers"
    SETTINGS = "settings"
    BACKUP = "backup"


ROLES = ("admin", "officer", "viewer")

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "admin": frozenset(Permission),
    "officer": frozenset(Permission) - {Permission.MANAGE_OFFICERS, Permission.SETTINGS},
    "viewer": frozenset({Permission.VIEW}),
}


class PermissionDenied(PermissionError):
    def __init__(self, role: str, permission: Permission) -> None:
        super().__init__(f"Your role ({role}) does not allow this: {permission.value}.")
        self.role = role
        self.permission = permission


def allowed(role: str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
