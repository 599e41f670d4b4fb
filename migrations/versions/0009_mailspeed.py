"""Mail built by the worker: a meeting's notice is queued as a small row, built when delivered

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 10:00:00

- ``outboxmessage.message`` may be empty (NULL) until the worker builds the message.
- ``outboxmessage.sequence``: the meeting's SEQUENCE when its notice, update or cancellation
  was queued.
- ``outboxmessage.organizer_name`` / ``organizer_address``: who sent it (the iTIP ORGANIZER).
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0009'
down_revision: Union[str, None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('organizer_name', sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('organizer_address', sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=False, server_default=''))
        batch_op.alter_column('message', existing_type=sa.LargeBinary(), nullable=True)


def downgrade() -> None:
    # 0008 stores every message whole; rows not built yet cannot be kept there (they would be
    # sent empty), so they are removed: queue the notice again after downgrading
    op.execute("DELETE FROM outboxmessage WHERE message IS NULL")
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.alter_column('message', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column('organizer_address')
        batch_op.drop_column('organizer_name')
        batch_op.drop_column('sequence')
