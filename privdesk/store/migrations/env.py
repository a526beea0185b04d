"""Alembic environment: always runs on the connection the Store hands it.

There is no URL in alembic.ini and no online/offline split: a key never goes into a
config file, so the only way to migrate is through an unlocked Store.
"""

from alembic import context

from privdesk.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("privdesk migrations run only through Store.open()/Store.create()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
)
with context.begin_transaction():
    context.run_migrations()
