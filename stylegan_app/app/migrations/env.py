"""Alembic environment: runs on the connection store.migrate() passes in, or on sqlalchemy.url / DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine

from stylegan_app.app.tables import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")

if connection is not None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    context.run_migrations()
else:  # the `alembic` command line, for writing new revisions
    url = os.environ.get("DATABASE_URL") or context.config.get_main_option("sqlalchemy.url")
    with create_engine(url).begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        context.run_migrations()
