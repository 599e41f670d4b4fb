"""Vocabularies per organisation: project phases, follow-up statuses, health levels, case kinds

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 14:00:00

- ``vocabularyterm``: an organisation's own words; without any, the built-in ones are used.
- The record columns (``project.phase``, ``followup.status`` …) keep their VARCHAR(20) and their
  values: the built-in keys are the enum values they already hold, so no data moves.
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

import boardroom.models

revision: str = '0015'
down_revision: Union[str, None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('vocabularyterm',
    sa.Column('created_at', boardroom.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('modified_at', boardroom.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('vocabulary', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('closed', sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column('means', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False, server_default=''),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organisation_id', 'vocabulary', 'key', name='uq_vocabulary_term_key')
    )
    with op.batch_alter_table('vocabularyterm', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vocabularyterm_organisation_id'), ['organisation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('vocabularyterm', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vocabularyterm_organisation_id'))
    op.drop_table('vocabularyterm')
