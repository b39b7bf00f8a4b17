"""Alembic environment: always driven from desktop.db with a live connection."""

from alembic import context

from desktop.models import Base, load_all

load_all()  # the whole schema, for autogenerate's comparison

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode rebuilds tables
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
