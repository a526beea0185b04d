#!/usr/bin/env bash
# One command on a bare machine, with the system's own python3 (Debian 12 and Ubuntu 24.04
# refuse `pip install` outside a virtual environment, PEP 668): make a virtual environment
# (once), install privdesk and its test tools into it (again whenever pyproject.toml
# changes), then run the given command inside it.
#
#   ./dev.sh privdesk --demo      open the demo store
#   ./dev.sh test                 the whole test suite (what CI runs)
#   ./dev.sh check                ruff, import-linter and mypy
#   ./dev.sh <any command>        run it with the environment's python and tools first
#
# PRIVDESK_VENV chooses the folder (default: .venv beside this script); PYTHON the
# interpreter that makes it (default: python3).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${PRIVDESK_VENV:-$here/.venv}"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
  echo "dev.sh: making a virtual environment in $venv" >&2
  if ! "$python" -m venv "$venv"; then
    echo "dev.sh: '$python -m venv' failed. On Debian/Ubuntu install python3-venv first:" >&2
    echo "        sudo apt-get install python3-venv   (see README, First run on a bare machine)" >&2
    exit 1
  fi
fi

stamp="$venv/.privdesk-installed"
want="$(cat "$here/pyproject.toml" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "dev.sh: installing privdesk and its test tools into $venv" >&2
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -e "$here[test]"
  echo "$want" > "$stamp"
fi

export PATH="$venv/bin:$PATH"
cd "$here"
case "${1:-}" in
  "")    echo "usage: ./dev.sh privdesk --demo | test | check | <command>" >&2; exit 2 ;;
  test)  shift; export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
         exec "$venv/bin/python" -m pytest "$@" ;;
  check) "$venv/bin/ruff" check privdesk tests
         "$venv/bin/lint-imports"
         exec "$venv/bin/mypy" ;;
  *)     exec "$@" ;;
esac
