"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from boardroom.core.db import alembic_config, make_engine


def test_migrations_from_empty_match_the_models(database_url, tmp_path):
    if database_url.startswith("postgresql"):
        engine = make_engine(database_url)
        schema = "migration_check"
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        engine.dispose()
        engine = make_engine(database_url, connect_args={"options": f"-csearch_path={schema}"})
    else:
        engine = make_engine(f"sqlite:///{tmp_path / 'migrated.sqlite'}")
    try:
        with engine.begin() as conn:
            config = alembic_config(str(engine.url))
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            assert {"meeting", "agendaitem", "participation", "costkey", "vote"} <= tables
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata
            )
        assert diff == []
    finally:
        if database_url.startswith("postgresql"):
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA migration_check CASCADE"))
        engine.dispose()
