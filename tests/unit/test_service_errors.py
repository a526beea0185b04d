"""One ServiceError base for every error a service raises (#18), with the built-in bases
callers already catch kept."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import privdesk.services
from privdesk.services.authz import Permission, PermissionDenied
from privdesk.services.contacts import ContactNotFound
from privdesk.services.errors import ServiceError
from privdesk.services.purge import PurgeError


def _service_exceptions() -> list[type[BaseException]]:
    found = []
    for info in pkgutil.iter_modules(privdesk.services.__path__, "privdesk.services."):
        module = importlib.import_module(info.name)
        found += [obj for _, obj in inspect.getmembers(module, inspect.isclass)
                  if issubclass(obj, BaseException) and obj.__module__ == info.name]
    return found


def test_every_service_error_has_the_one_base() -> None:
    errors = _service_exceptions()
    assert len(errors) >= 15
    assert [e.__name__ for e in errors if not issubclass(e, ServiceError)] == []


def test_callers_catching_the_old_bases_still_catch_them() -> None:
    denied = PermissionDenied("viewer", Permission.EDIT)
    assert isinstance(denied, PermissionError) and "viewer" in str(denied)
    assert issubclass(PurgeError, ValueError) and issubclass(ContactNotFound, LookupError)
