"""Wording: the meeting's referent (meeting.minutes_taker_id) and meeting link (meeting.video_link),
figures' alternative text (attachment.alt_text)

Revision ID: 0007
Revises: 0006
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0007"
down_revision: Union[str, None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("minutes_taker_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("video_link", sqlmodel.sql.sqltypes.AutoString(length=500),
                                      server_default="", nullable=False))
        batch_op.create_foreign_key("fk_meeting_minutes_taker_id_person", "person", ["minutes_taker_id"], ["id"],
                                    ondelete="SET NULL")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("alt_text", sqlmodel.sql.sqltypes.AutoString(length=500),
                                      server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_column("alt_text")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_constraint("fk_meeting_minutes_taker_id_person", type_="foreignkey")
        batch_op.drop_column("video_link")
        batch_op.drop_column("minutes_taker_id")
