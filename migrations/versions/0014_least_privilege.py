"""Least privilege: a reader reads drafts and exempt cases only where an administrator grants it

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 05:00:00

- ``user.reads_restricted``: the administrator's grant (off for every existing account).
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: Union[str, None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # a plain ADD COLUMN: SQLite's batch mode would copy "user" into a new table, and dropping the
    # old one would cascade to the rows that refer to accounts (organisationrole)
    op.add_column('user', sa.Column('reads_restricted', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('reads_restricted')
