"""Alembic environment: the schema is SQLModel.metadata of boardroom.models."""

from alembic import context
from sqlalchemy import pool
from sqlmodel import SQLModel

import boardroom.models  # noqa: F401  (registers the tables)
from boardroom.core.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        compare_type=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is None:
        engine = make_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
        with engine.connect() as connection:
            _run(connection)
    else:
        _run(connectable)


def _run(connection) -> None:
    if connection.dialect.name == "sqlite" and not connection.in_transaction():
        # batch mode recreates a table to change its constraints; with foreign keys on, dropping the
        # old copy would cascade and delete the rows that refer to it (votes, attachments, cases)
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()  # end the autobegun transaction, so Alembic's own one commits the migrations
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
