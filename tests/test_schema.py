"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from contextlib import contextmanager

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from boardroom.core.db import alembic_config, make_engine


@contextmanager
def empty_database(database_url, tmp_path, name: str):
    """An empty database of the run's kind: a fresh schema on PostgreSQL, a new SQLite file."""
    if database_url.startswith("postgresql"):
        engine = make_engine(database_url)
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {name}"))
        engine.dispose()
        engine = make_engine(database_url, connect_args={"options": f"-csearch_path={name}"})
    else:
        engine = make_engine(f"sqlite:///{tmp_path / (name + '.sqlite')}")
    try:
        yield engine
    finally:
        if database_url.startswith("postgresql"):
            with engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {name} CASCADE"))
        engine.dispose()


def test_migrations_from_empty_match_the_models(database_url, tmp_path):
    with empty_database(database_url, tmp_path, "migration_check") as engine:
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


def test_migration_0012_makes_todays_data_the_first_organisation(database_url, tmp_path):
    """Rows made before organisations belong to the first one, named after the body's organisation;
    every account keeps its role there."""
    now = "2025-10-16 10:00:00"
    with empty_database(database_url, tmp_path, "migration_orgs") as engine:
        with engine.begin() as conn:
            config = alembic_config(str(engine.url))
            config.attributes["connection"] = conn
            command.upgrade(config, "0009")
            conn.execute(text(
                "INSERT INTO body (created_at, modified_at, name, short_name, organisation, case_number_format, "
                "default_place, public, co_signers, abstain_allowed, deputy_autocall) VALUES "
                f"('{now}', '{now}', 'Styret i Digitale Helgeland', 'DH', 'Digitale Helgeland', '{{seq:02d}}-{{yy}}', "
                "'', true, 1, false, false)"))
            conn.execute(text("INSERT INTO municipality (created_at, modified_at, number, name, region) VALUES "
                              f"('{now}', '{now}', '1811', 'Bindal', '')"))
            conn.execute(text("INSERT INTO person (created_at, modified_at, name, email, title, affiliation) VALUES "
                              f"('{now}', '{now}', 'Hilde Rafaelsen', '', '', '')"))
            conn.execute(text('INSERT INTO "user" (created_at, modified_at, email, password_hash, role, active, '
                              f"session_version) VALUES ('{now}', '{now}', 's@example.org', 'x', 'secretary', true, 0)"))
            command.upgrade(config, "head")
        with engine.connect() as conn:
            org = conn.execute(text("SELECT id, name, slug FROM organisation")).all()
            assert [(name, slug) for _, name, slug in org] == [("Digitale Helgeland", "digitale-helgeland")]
            org_id = org[0][0]
            for table in ("body", "municipality", "person"):
                assert conn.execute(text(f"SELECT organisation_id FROM {table}")).scalars().all() == [org_id]
            assert conn.execute(text("SELECT organisation_id, role FROM organisationrole")).all() == [
                (org_id, "secretary")]
