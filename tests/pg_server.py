"""A throwaway PostgreSQL server for the tests: Debian's `postgresql` package (DESIGN.md).

initdb and pg_ctl refuse to run as root, so as root they run as the `postgres` user
(`runuser`); as anyone else they run as that user. The cluster lives in a fresh folder
under the system temp dir, listens on a Unix socket in that folder only (no TCP unless
asked for TLS tests), and is stopped and removed at the end of the session.

There is no skip: if the server cannot start, the tests that need it fail with the
reason (CI installs the package in .ci/run).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

PG_BIN_DIRS = [Path("/usr/lib/postgresql") / v / "bin" for v in ("17", "16", "15")]
SUPERUSER = "privdesk_test"


def pg_bin(name: str) -> str:
    env_dir = os.environ.get("PRIVDESK_PG_BIN")
    for folder in ([Path(env_dir)] if env_dir else []) + PG_BIN_DIRS:
        if (folder / name).is_file():
            return str(folder / name)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(
            f"PostgreSQL's {name} was not found: install Debian's postgresql package "
            "(apt-get install -y postgresql), as .ci/run does.")
    return found


def _as_server_user(argv: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    root: Path
    port: int
    options: str = ""

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    def url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        """A libpq URL over the Unix socket (what `--store` takes)."""
        return f"postgresql://{user}@/{database}?host={self.socket_dir}&port={self.port}"

    def psql_args(self, database: str) -> list[str]:
        return ["-h", str(self.socket_dir), "-p", str(self.port), "-U", SUPERUSER, "-d", database]

    def admin(self, sql: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(host=str(self.socket_dir), port=self.port, user=SUPERUSER,
                             dbname=database, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def create_database(self) -> str:
        name = "t_" + uuid.uuid4().hex[:12]
        self.admin(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @staticmethod
    def database_of(url: str) -> str:
        return url.split("?")[0].rsplit("/", 1)[1]

    def dump(self, database: str) -> bytes:
        """pg_dump of one database (a name or a URL), as an attacker with it would read it."""
        database = self.database_of(database) if "/" in database else database
        result = subprocess.run(
            [pg_bin("pg_dump"), *self.psql_args(database)], capture_output=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"pg_dump failed: {result.stderr.decode(errors='replace')}")
        return result.stdout

    def pause(self) -> None:
        """Stop the server, keeping its data (an outage); `resume` starts it again."""
        _run([pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"], "pg_ctl stop")

    def resume(self) -> None:
        _run([pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"),
              "-o", self.options, "-w", "-t", "60", "start"], "pg_ctl start")

    def stop(self) -> None:
        subprocess.run(_as_server_user([pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate",
                                        "-w", "stop"]), capture_output=True, check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def start_server(tls: tuple[Path, Path] | None = None) -> PgServer:
    """tls=(certificate, key): also listen on 127.0.0.1 with TLS on (hostssl only)."""
    root = Path(tempfile.mkdtemp(prefix="privdesk-pg-"))
    server = PgServer(root, _free_port())
    try:
        (server.socket_dir).mkdir()
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
            shutil.chown(server.socket_dir, "postgres", "postgres")
        _run([pg_bin("initdb"), "-D", str(server.data), "-U", SUPERUSER, "-A", "trust",
              "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], "initdb")
        listen = "''"
        if tls is not None:
            for source, name in ((tls[0], "server.crt"), (tls[1], "server.key")):
                target = server.data / name
                shutil.copyfile(source, target)
                target.chmod(0o600)
                if os.geteuid() == 0:
                    shutil.chown(target, "postgres", "postgres")
            # TCP only with TLS: a plain TCP connection is refused by the server too.
            (server.data / "pg_hba.conf").write_text(
                "local all all trust\nhostssl all all 127.0.0.1/32 trust\n")
            listen = "'127.0.0.1' -c ssl=on"
        options = (f"-c listen_addresses={listen} -c unix_socket_directories='{server.socket_dir}' "
                   f"-p {server.port} -c fsync=off -c full_page_writes=off "
                   "-c synchronous_commit=off -c max_connections=60")
        server.options = options
        server.resume()
    except BaseException:
        with contextlib.suppress(Exception):
            server.stop()
        raise
    return server


def _run(argv: list[str], what: str) -> None:
    result = subprocess.run(_as_server_user(argv), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        log = ""
        with contextlib.suppress(OSError):
            log = (Path(argv[argv.index("-l") + 1]).read_text() if "-l" in argv else "")
        raise RuntimeError(f"{what} failed ({result.returncode}): {result.stderr}{result.stdout}{log}")
