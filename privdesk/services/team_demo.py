"""Demo data on a team store: `privdesk demo-data --store URL`.

The demo generator (services.demo) writes straight into SQLite for speed. For a team
store it runs into a throwaway local store under the team store's own data key, and the
demo's tables are then copied to the server in one transaction (sealed and bound to their
rows on the way, as `team push` does; the server's id sequences moved past them). The
demo's officers are added as names for the queue (no key slots: they cannot unlock); the
generation is audited in the team store's own trail.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import exc as sa_exc
from sqlalchemy import insert, select, text

from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext
from privdesk.services.demo import DemoCounts, DemoDataService, Progress
from privdesk.store.engine import Store, StoreKey
from privdesk.store.models import Officer
from privdesk.store.server import ServerStore, server_failure
from privdesk.store.store_copy import copy_rows, unlocked_key
from privdesk.store.team_copy import reset_sequences

DEMO_TABLES = ("contacts", "interactions", "disclosures", "contact_history", "requests",
               "request_contacts", "request_pauses", "request_events")


def demo_to_server(ctx: ServiceContext, contacts: int, seed: int = 2018,
                   progress: Progress | None = None) -> DemoCounts:
    store = ctx.store
    assert isinstance(store, ServerStore)
    ctx.require(Permission.IMPORT, "demo.generate", "store", None)
    counts = store.table_counts(["contacts", "requests"])
    if counts["contacts"] or counts["requests"]:
        raise RuntimeError("demo data goes into an empty store only")
    with tempfile.TemporaryDirectory(prefix="privdesk-demo-") as folder:
        local = Store.create(Path(folder) / "demo.privdesk", StoreKey.raw(unlocked_key(store)))
        with local:
            made = DemoDataService(ServiceContext(store=local, policy=ctx.policy,
                                                  actor=ctx.actor, today=ctx.today,
                                                  now=ctx.now)).generate(
                contacts=contacts, seed=seed, progress=progress)
            try:
                with local.engine.connect() as source, store.engine.begin() as target:
                    copy_rows(source, target, None, only=DEMO_TABLES)
                    have = set(target.scalars(select(Officer.name)))
                    new = [{"name": o.name, "role": o.role, "created_at": o.created_at,
                            "active": o.active}
                           for o in source.execute(select(Officer)) if o.name not in have]
                    if new:
                        target.execute(insert(Officer), new)
                    reset_sequences(target)
                    target.execute(text("ANALYZE contacts"))
            except sa_exc.DBAPIError as exc:  # worded; the transaction rolled back
                raise server_failure(store.address, exc) from exc
    with store.session() as s:
        ctx.record(s, "demo.generate", "store", None, detail=f"{contacts} contacts")
    return made
