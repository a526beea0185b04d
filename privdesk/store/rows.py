"""Binding sealed values to their rows on a team store (PostgreSQL).

A sealed value's associated data names its table and column (store.sealed) and also its
row, so a value copied on the server into another row does not pass: before a flush each
new or changed object's sealed attributes are tagged with the object's primary key (a new
row takes its id from the table's sequence first, so the id is known before the INSERT);
after a load, each sealed value's row, read from its envelope and authenticated by the
AEAD, must be the row it was read from.

These are session events of the team store's sessions only: the local SQLCipher store's
sessions never run them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, event, inspect, text
from sqlalchemy.orm import Mapper, Session, sessionmaker

from privdesk.store.sealed import SealedBytes, SealedText, SealedValueError, bound_bytes, bound_text

_ATTRS: dict[Mapper[Any], tuple[tuple[str, bool], ...]] = {}


def sealed_attributes(mapper: Mapper[Any]) -> tuple[tuple[str, bool], ...]:
    """(attribute name, holds bytes) for each sealed column of a mapped class."""
    found = _ATTRS.get(mapper)
    if found is None:
        found = tuple((prop.key, isinstance(prop.columns[0].type, SealedBytes))
                      for prop in mapper.column_attrs
                      if isinstance(prop.columns[0].type, SealedText | SealedBytes))
        _ATTRS[mapper] = found
    return found


def row_key(mapper: Mapper[Any], target: object) -> str:
    ids = mapper.primary_key_from_instance(target)
    return "/".join(str(i) for i in ids) if all(i is not None for i in ids) else ""


def _give_id(session: Session, mapper: Mapper[Any], target: object) -> None:
    pk = mapper.primary_key
    if len(pk) != 1 or not isinstance(pk[0].type, Integer):
        return
    key = mapper.get_property_by_column(pk[0]).key
    if getattr(target, key) is not None:
        return
    new_id = session.connection().scalar(
        text("SELECT nextval(pg_get_serial_sequence(:t, :c))"),
        {"t": pk[0].table.name, "c": pk[0].name})
    setattr(target, key, int(new_id))


def _bind(mapper: Mapper[Any], target: object, attrs: tuple[tuple[str, bool], ...]) -> None:
    row = row_key(mapper, target)
    state = vars(target)
    for key, is_bytes in attrs:
        value = state.get(key)
        if value is None or getattr(value, "row", None) == row:
            continue
        setattr(target, key, bound_bytes(value, row) if is_bytes else bound_text(value, row))


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    for target in list(session.new) + list(session.dirty):
        mapper = inspect(target).mapper
        attrs = sealed_attributes(mapper)
        if not attrs:
            continue
        if target in session.new:
            _give_id(session, mapper, target)
        _bind(mapper, target, attrs)


def _loaded(_session: Session, target: object) -> None:
    mapper = inspect(target).mapper
    attrs = sealed_attributes(mapper)
    if not attrs:
        return
    row = row_key(mapper, target)
    state = vars(target)
    for key, _ in attrs:
        value = state.get(key)
        if value is not None and value != "" and getattr(value, "row", row) != row:
            table = mapper.local_table.name
            raise SealedValueError(
                f"A sealed value in {table}.{key} (row {row}) was sealed for row "
                f"{getattr(value, 'row', '') or '(none)'}: it was moved on the server.", row)


def install_row_binding(sessions: sessionmaker[Session]) -> None:
    event.listen(sessions, "before_flush", _before_flush)
    event.listen(sessions, "loaded_as_persistent", _loaded)
