"""A contacts import loads only what it needs (issue #14: memory < 500 MB for a
1,000,000-row file). ReportLab, pypdf, holidays and zxcvbn belong to packs, reports,
request deadlines and passphrase checks; loaded at start-up they held ~35 MiB through
every import. The services are built on first use (services/container.py) and the
command line imports only the family of the command asked for (cli/__init__.py).

Each import runs in a fresh process, which then says which of those libraries it has
loaded; the same process then asks for the packs or every command, to show that the
check sees them when they are loaded."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from privdesk.cli import FAMILIES, command_modules, main

HEAVY = ("reportlab", "pypdf", "holidays", "zxcvbn", "PIL")
HEADER = ("name,email,phone,company,location,status,source,first_contact,customer_since,"
          "ceased,last_activity,marketing_opt_out,notes\n")
ROWS = "".join(f"Zoë Adams {n},zoe.{n}@adams.example,+44 7911 12{n:04d},Adams & Co,Leeds,"
               f"enquirer,email,2026-02-01,,,,no,\n" for n in range(30))
PW = "lazy imports test passphrase"

REPORT = """
import json, sys
HEAVY = {heavy!r}
def loaded():
    return sorted(m for m in HEAVY if m in sys.modules)
"""
CLI_CHILD = REPORT + """
from privdesk.cli import build_parser, main
store, pw, csv = sys.argv[1:4]
code = main(["contacts", "import", csv, "--store", store, "--passphrase-file", pw, "--json"])
after_import = loaded()
build_parser()  # every command, as `privdesk --help`
print(json.dumps({{"code": code, "after_import": after_import, "all_commands": loaded()}}))
"""
SERVICES_CHILD = REPORT + """
from pathlib import Path
from privdesk.policy import load_policy
from privdesk.services.container import Services
from privdesk.services.context import Actor, ServiceContext
from privdesk.store.engine import Store, StoreKey
store = Store.create(Path(sys.argv[1]), StoreKey.passphrase("lazy imports passphrase"))
with store:
    services = Services.build(ServiceContext(store, load_policy(), Actor("Test Officer")))
    result = services.contact_import.run(Path(sys.argv[2]).read_bytes())
    after_import = loaded()
    services.packs  # built on first use: ReportLab and pypdf come with it
    print(json.dumps({{"imported": result.imported, "after_import": after_import,
                      "with_packs": loaded()}}))
"""


def child(code: str, *args: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", code.format(heavy=HEAVY), *args],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_a_command_line_import_loads_no_report_or_deadline_library(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pw, store, csv = tmp_path / "pw.txt", tmp_path / "s.privdesk", tmp_path / "people.csv"
    pw.write_text(PW + "\n")
    assert main(["init", "--store", str(store), "--passphrase-file", str(pw)]) == 0
    capsys.readouterr()
    csv.write_text(HEADER + ROWS, encoding="utf-8")
    result = child(CLI_CHILD, str(store), str(pw), str(csv))
    assert result["code"] == 0
    assert result["after_import"] == []
    assert result["all_commands"] == sorted(HEAVY)  # what `privdesk --help` still loads
    assert main(["contacts", "search", "Zoë Adams 29", "--store", str(store),
                 "--passphrase-file", str(pw), "--json"]) == 0
    assert [r["email"] for r in json.loads(capsys.readouterr().out)] == ["zoe.29@adams.example"]


def test_services_built_for_an_import_load_no_report_library(tmp_path: Path) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text(HEADER + ROWS, encoding="utf-8")
    result = child(SERVICES_CHILD, str(tmp_path / "s.privdesk"), str(csv))
    assert result["imported"] == 30
    assert result["after_import"] == []
    assert {"reportlab", "pypdf"} <= set(result["with_packs"])  # type: ignore[arg-type]


def test_each_family_registers_the_commands_it_is_listed_with() -> None:
    registered: dict[str, tuple[str, ...]] = {}
    for module in command_modules():
        sub = argparse.ArgumentParser().add_subparsers()
        module.register(sub)
        registered[module.__name__.rsplit(".", 1)[-1]] = tuple(sub.choices)
    assert registered == FAMILIES
    for name, commands in FAMILIES.items():
        for command in commands:
            assert [m.__name__ for m in command_modules(command)] == [f"privdesk.cli.{name}"]
    # every commands module is a family or registered by one (contacts' edit commands)
    here = Path(__file__).parents[2] / "privdesk" / "cli"
    modules = {p.stem for p in here.glob("*_commands.py")}
    assert modules - set(FAMILIES) == {"contact_edit_commands"}
    assert [m.__name__ for m in command_modules("no-such-command")] == \
        [f"privdesk.cli.{name}" for name in FAMILIES]
