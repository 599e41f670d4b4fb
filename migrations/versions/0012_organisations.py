"""Organisations: several cooperations in one installation

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 04:30:00

- ``organisation``: name, organisasjonsnummer, short name, address slug, logo.
- ``organisationrole``: an account's role in one organisation.
- ``organisation_id`` (NOT NULL) on body, municipality, person, project, costkey and cost.
  Today's data becomes the first organisation, named after the first body's ``organisation``
  (e.g. "Digitale Helgeland"), or its name; every existing account gets its current role there.
- A kommunenummer is unique within its organisation, no longer in the whole installation.
"""
import re
from datetime import datetime, timezone
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import boardroom.models

revision: str = '0012'
down_revision: Union[str, None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OWNED = ('body', 'municipality', 'person', 'project', 'costkey', 'cost')
ROLE = sa.Enum('admin', 'secretary', 'member', 'reader', name='userrole', native_enum=False, length=20)


def _slug(name: str) -> str:
    text = name.lower()
    for a, b in (("æ", "ae"), ("ø", "o"), ("å", "a")):
        text = text.replace(a, b)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:50].strip("-") or "organisasjon"


def upgrade() -> None:
    op.create_table('organisation',
    sa.Column('created_at', boardroom.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('modified_at', boardroom.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('short_name', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('logo_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['logo_id'], ['storedfile.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    op.create_table('organisationrole',
    sa.Column('created_at', boardroom.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('modified_at', boardroom.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('role', ROLE, nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'organisation_id')
    )
    with op.batch_alter_table('organisationrole', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisationrole_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisationrole_user_id'), ['user_id'], unique=False)

    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))

    # today's data is the first organisation's
    connection = op.get_bind()
    now = datetime.now(timezone.utc)
    if connection.dialect.name == 'sqlite':
        now = now.replace(tzinfo=None)
    has_data = any(connection.execute(sa.text(f'SELECT 1 FROM "{t}" LIMIT 1')).first() for t in OWNED)
    has_users = connection.execute(sa.text('SELECT 1 FROM "user" LIMIT 1')).first()
    if has_data or has_users:
        first = connection.execute(sa.text('SELECT organisation, name, short_name FROM body ORDER BY id LIMIT 1')).first()
        name = (first[0] or first[1]) if first else 'Organisasjonen'
        short = first[2] if first and first[0] else ''
        organisation = sa.table('organisation', *(sa.column(c) for c in (
            'created_at', 'modified_at', 'name', 'short_name', 'number', 'slug')))
        connection.execute(organisation.insert().values(
            created_at=now, modified_at=now, name=name, short_name=short, number='', slug=_slug(name)))
        org_id = connection.execute(sa.text('SELECT MIN(id) FROM organisation')).scalar()
        for table in OWNED:
            connection.execute(sa.text(f'UPDATE "{table}" SET organisation_id = :org'), {'org': org_id})
        connection.execute(sa.text(
            'INSERT INTO organisationrole (created_at, modified_at, user_id, organisation_id, role) '
            'SELECT :now, :now, id, :org, role FROM "user"'), {'now': now, 'org': org_id})

    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('organisation_id', existing_type=sa.Integer(), nullable=False)
            batch_op.create_index(batch_op.f(f'ix_{table}_organisation_id'), ['organisation_id'], unique=False)
            batch_op.create_foreign_key(f'fk_{table}_organisation_id', 'organisation', ['organisation_id'], ['id'],
                                        ondelete='CASCADE')
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.drop_index('ix_municipality_number')
        batch_op.create_index(batch_op.f('ix_municipality_number'), ['number'], unique=False)
        batch_op.create_unique_constraint('uq_municipality_number', ['organisation_id', 'number'])


def downgrade() -> None:
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.drop_constraint('uq_municipality_number', type_='unique')
        batch_op.drop_index('ix_municipality_number')
        batch_op.create_index('ix_municipality_number', ['number'], unique=True)
    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'fk_{table}_organisation_id', type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_organisation_id'))
            batch_op.drop_column('organisation_id')
    op.drop_table('organisationrole')
    op.drop_table('organisation')
