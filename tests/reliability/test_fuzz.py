"""Fuzzing with hypothesis: search folding and FTS5 queries on a real store, and the
policy loader on hostile values and mutated TOML (only PolicyError, never a crash)."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from privdesk.domain.identity import fts_phrase, search_query, search_text
from privdesk.policy import Policy, PolicyError, load_policy, parse_policy
from privdesk.store.engine import Store, StoreKey
from tests.reliability.conftest import Figures
from tests.reliability.corpus import NAMES
from tests.reliability.helpers import PASSPHRASE, write_contacts

DEFAULT_TOML = resources.files("privdesk.resources").joinpath("policy/default.toml").read_text(
    encoding="utf-8")
# Text that leans towards what breaks parsers: quotes, brackets, controls, scripts.
HOSTILE = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from('"\'()*^:-+ORANDNEAR \\\x00\u202e\u200b<>/[]{}=#\n')),
    st.sampled_from(list(NAMES.values())),
)


@pytest.fixture(scope="module")
def search_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.privdesk"
    with Store.create(path, StoreKey.passphrase(PASSPHRASE)) as store:
        write_contacts(store, range(1, 201))
        yield store


def test_search_folding_and_fts_match_never_raise(search_store: Store, figures: Figures) -> None:
    @settings(max_examples=figures.size(300, 5_000), deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(typed=HOSTILE, other=HOSTILE)
    def check(typed: str, other: str) -> None:
        figures.trials += 1
        search_text(typed, other, typed, other)
        query = search_query(typed)
        with search_store.read_session() as s:
            s.execute(text("SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH :q LIMIT 5"),
                      {"q": fts_phrase(query)}).all()

    check()


# -- policy --------------------------------------------------------------------------
def _toml_value(value: Any) -> str:
    if isinstance(value, str):
        escaped = "".join(
            f"\\u{ord(ch):04x}" if ord(ch) < 0x20 or ord(ch) == 0x7F or ch in '"\\' else ch
            for ch in value
        )
        return f'"{escaped}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def to_toml(data: dict[str, Any]) -> str:
    """Enough of a TOML writer for the policy: top-level tables of inline values."""
    out = []
    # Top-level keys first: after a [table] header they would land inside that table.
    for section, body in sorted(data.items(), key=lambda kv: not isinstance(kv[1], list)):
        if isinstance(body, list):
            out.append(f"{section} = {_toml_value(body)}")
        else:
            out.append(f"[{section}]")
            out += [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in body.items()]
    return "\n".join(out) + "\n"


def _with(data: dict[str, Any], where: tuple[Any, ...], value: Any) -> dict[str, Any]:
    copy = json.loads(json.dumps(data))
    node = copy
    for step in where[:-1]:
        node = node[step]
    node[where[-1]] = value
    return copy


PLACES = [("controller", "name"), ("purposes", 0, "description"), ("rights", "access"),
          ("recipients", 0, "name"), ("supervisory_authority", "name"),
          ("retention", 0, "description"), ("controller", "address")]


def test_policy_with_hostile_values(figures: Figures) -> None:
    data = tomllib.loads(DEFAULT_TOML)
    assert isinstance(parse_policy(to_toml(data)), Policy)  # the writer round-trips
    for where in PLACES:
        for key, hostile in NAMES.items():
            figures.trials += 1
            value: Any = [hostile] if where[-1] == "address" else hostile
            try:
                policy = parse_policy(to_toml(_with(data, where, value)))
            except PolicyError:
                figures.add("refused_clearly")  # e.g. an empty or all-space name
                continue
            except Exception as exc:
                figures.fail(f"{where} = {key}: {exc!r}")
                continue
            if where == ("controller", "name") and policy.controller.name != hostile:
                figures.fail(f"{where} = {key}: does not load back exactly")
    figures.check()


MUTATIONS = st.sampled_from(["delete", "insert", "truncate", "duplicate", "retype", "nest"])


def mutate(source: str, data: st.DataObject) -> str:
    kind = data.draw(MUTATIONS)
    if not source.strip("\n") and kind in ("duplicate", "retype"):
        kind = "insert"  # nothing left to pick a line from
    at = data.draw(st.integers(0, len(source)))
    if kind == "delete":
        return source[:at] + source[at + data.draw(st.integers(1, 200)):]
    if kind == "insert":
        return source[:at] + data.draw(HOSTILE) + source[at:]
    if kind == "truncate":
        return source[:at]
    if kind == "duplicate":
        lines = source.splitlines(keepends=True)
        i = data.draw(st.integers(0, len(lines) - 1))
        return "".join(lines[: i + 1] + lines[i:])
    if kind == "retype":  # a value of another kind where one is expected
        lines = source.splitlines(keepends=True)
        i = data.draw(st.integers(0, len(lines) - 1))
        key, sep, _ = lines[i].partition("=")
        new = data.draw(st.sampled_from(['12', 'true', '"text"', '[]', '[1, 2]', '{}', '""',
                                         '-1', '1979-05-27', '{ a = 1 }', '"  "']))
        lines[i] = f"{key}= {new}\n" if sep else lines[i]
        return "".join(lines)
    depth = data.draw(st.integers(100, 5000))
    return source[:at] + "\nx = " + "[" * depth + "\n" + source[at:]


def test_policy_parser_on_mutated_toml(figures: Figures) -> None:
    @settings(max_examples=figures.size(300, 5_000), deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        mutated = DEFAULT_TOML
        for _ in range(data.draw(st.integers(1, 3))):
            mutated = mutate(mutated, data)
        figures.trials += 1
        try:
            parse_policy(mutated)
        except PolicyError:
            figures.add("policy_errors")
        except Exception as exc:  # anything else would reach the officer as a crash
            figures.fail(f"{type(exc).__name__}: {exc}"[:300])
            raise

    check()
    figures.check()


@pytest.mark.parametrize("content", [b"\xff\xfe not utf-8", b"\xef\xbb\xbf" + DEFAULT_TOML.encode(),
                                     b"", b"\x00" * 100, None],
                         ids=["not_utf8", "bom", "empty", "nul_bytes", "a_folder"])
def test_policy_file_problems_are_policy_errors(content: bytes | None, tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    if content is None:
        path.mkdir()  # a folder where the file should be
    else:
        path.write_bytes(content)
    if content is not None and content.startswith(b"\xef\xbb\xbf"):
        assert load_policy(path).controller.short_name == "Optex"  # a BOM is accepted
        return
    with pytest.raises(PolicyError):
        load_policy(path)
