"""Who may do what. Roles are enforced here, in the services, not only in the UI.

admin: everything, including officers and settings; officer: day-to-day work;
viewer: read-only (no edits, exports, packs, emails or purges).
"""

from __future__ import annotations

from enum import StrEnum

from privdesk.services.errors import ServiceError


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
    RESTORE = "restore"  # replace the store by a backup
    AUDIT_EXPORT = "audit_export"  # the audit trail is visible to all, exported by admins


ROLES = ("admin", "officer", "viewer")

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "admin": frozenset(Permission),
    "officer": frozenset(Permission) - {Permission.MANAGE_OFFICERS, Permission.SETTINGS,
                                        Permission.AUDIT_EXPORT, Permission.RESTORE},
    "viewer": frozenset({Permission.VIEW}),
}


class PermissionDenied(ServiceError, PermissionError):
    def __init__(self, role: str, permission: Permission) -> None:
        super().__init__(f"Your role ({role}) does not allow this: {permission.value}.")
        self.role = role
        self.permission = permission


# What a role lacks, in words for tooltips ("Your role (viewer) cannot ...").
DESCRIPTIONS: dict[Permission, str] = {
    Permission.VIEW: "view records",
    Permission.EDIT: "change records",
    Permission.EXPORT: "export data",
    Permission.PACK: "build subject-access packs or letters",
    Permission.EMAIL: "send email",
    Permission.PURGE: "purge or erase data",
    Permission.IMPORT: "import data",
    Permission.MANAGE_OFFICERS: "manage officers",
    Permission.SETTINGS: "change settings",
    Permission.BACKUP: "make or restore backups",
    Permission.RESTORE: "restore a backup over the store",
    Permission.AUDIT_EXPORT: "export the audit trail",
}


def allowed(role: str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
