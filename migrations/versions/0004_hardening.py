"""Hardening: sessions that end (user.session_version) and log-in throttling (loginthrottle)

Revision ID: 0004
Revises: 0003
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import boardroom.models

revision: str = "0004"
down_revision: Union[str, None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "loginthrottle",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=250), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", boardroom.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", boardroom.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("loginthrottle")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("session_version")
