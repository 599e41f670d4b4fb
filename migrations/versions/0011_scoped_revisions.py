"""Cache revisions per scope: a change to one meeting leaves other meetings and bodies cached

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 04:30:00

- ``revision`` is keyed by ``scope`` ("global", "meetings", "meeting", "body") and ``scope_id``
  instead of the single row ``id = 1``. The counters are cache state only: the table is
  created anew (every cached copy is rebuilt once).
"""

from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import boardroom.models

revision: str = "0011"
down_revision: Union[str, None] = "0010"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.drop_table("revision")
    op.create_table(
        "revision",
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("scope_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("changed_at", boardroom.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", "scope_id"),
    )


def downgrade() -> None:
    op.drop_table("revision")
    op.create_table(
        "revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("changed_at", boardroom.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO revision (id, value, changed_at) VALUES (1, 0, CURRENT_TIMESTAMP)")
