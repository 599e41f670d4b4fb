"""Feeds people subscribe to: open or closed bodies, secret feed tokens

Revision ID: 0003
Revises: 0002
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import boardroom.models

revision: str = "0003"
down_revision: Union[str, None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("body", schema=None) as batch_op:
        # every existing body stays public, as its meeting plan was
        batch_op.add_column(sa.Column("public", sa.Boolean(), nullable=False, server_default=sa.true()))

    op.create_table(
        "feedtoken",
        sa.Column("created_at", boardroom.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", boardroom.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("body_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("revoked_at", boardroom.models.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("(person_id IS NULL) <> (body_id IS NULL)", name="ck_feed_token_one_owner"),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("feedtoken", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedtoken_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedtoken_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedtoken_token_hash"), ["token_hash"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("feedtoken", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedtoken_token_hash"))
        batch_op.drop_index(batch_op.f("ix_feedtoken_person_id"))
        batch_op.drop_index(batch_op.f("ix_feedtoken_body_id"))
    op.drop_table("feedtoken")
    with op.batch_alter_table("body", schema=None) as batch_op:
        batch_op.drop_column("public")
