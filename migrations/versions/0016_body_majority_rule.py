"""A body's majority rule: the rule its new cases start with

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 15:40:00

- ``body.majority_rule`` (simple, two thirds, unanimity) and ``body.majority_base`` (what a
  qualified majority is counted of); every existing body keeps today's default, a simple
  majority of the votes cast.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: Union[str, None] = '0015'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

RULES = ('simple', 'two_thirds', 'unanimous')
BASES = ('votes_cast', 'members_present', 'all_members')


def upgrade() -> None:
    # plain ADD COLUMN: SQLite's batch mode would copy "body" into a new table, and dropping the
    # old one would cascade to the rows that refer to it (meetings, cases)
    op.add_column('body', sa.Column('majority_rule', sa.Enum(*RULES, name='majorityrule', native_enum=False, length=20),
                                    nullable=False, server_default='simple'))
    op.add_column('body', sa.Column('majority_base', sa.Enum(*BASES, name='majoritybase', native_enum=False, length=20),
                                    nullable=False, server_default='votes_cast'))


def downgrade() -> None:
    with op.batch_alter_table('body', schema=None) as batch_op:
        batch_op.drop_column('majority_base')
        batch_op.drop_column('majority_rule')
