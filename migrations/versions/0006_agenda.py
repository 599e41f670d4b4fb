"""An agenda order that holds: closing cases marked, deferral reasons, one case per position

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 10:00:00

- ``agendaitem.closing``: the treatment was made from one of the body's closing standard cases
  (Eventuelt); new, deferred and late cases go before it. Existing Eventuelt cases
  (kind other_business) are marked.
- ``agendaitem.deferral_reason``: why a treatment was deferred (printed in the minutes).
- ``uq_agenda_item_position``: two cases of a meeting never share a position. Positions that
  concurrent additions made equal are first renumbered 0…n-1 per meeting, in the order the
  agenda showed them (position, then id).
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('agendaitem', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closing', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('deferral_reason', sqlmodel.sql.sqltypes.AutoString(length=500),
                                      nullable=False, server_default=''))
    with op.batch_alter_table('agendaitem', schema=None) as batch_op:
        batch_op.alter_column('closing', server_default=None)
        batch_op.alter_column('deferral_reason', server_default=None)

    conn = op.get_bind()
    conn.execute(sa.text("UPDATE agendaitem SET closing = :yes WHERE kind = 'other_business'"), {"yes": True})
    rows = conn.execute(sa.text("SELECT id, meeting_id, position FROM agendaitem ORDER BY meeting_id, position, id"))
    index, meeting = 0, None
    for row_id, meeting_id, position in rows.fetchall():
        index = index + 1 if meeting_id == meeting else 0
        meeting = meeting_id
        if position != index:
            conn.execute(sa.text("UPDATE agendaitem SET position = :p WHERE id = :id"), {"p": index, "id": row_id})

    with op.batch_alter_table('agendaitem', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_agenda_item_position', ['meeting_id', 'position'])


def downgrade() -> None:
    with op.batch_alter_table('agendaitem', schema=None) as batch_op:
        batch_op.drop_constraint('uq_agenda_item_position', type_='unique')
        batch_op.drop_column('deferral_reason')
        batch_op.drop_column('closing')
