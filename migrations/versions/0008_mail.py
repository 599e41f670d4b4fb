"""Mail: the outbox, used one-use links, and the body's rule for calling in deputies

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 10:00:00

- ``outboxmessage``: every e-mail boardroom sends, stored whole before delivery is tried.
- ``usedtoken``: signed one-use links (absence report, set or reset password) once used.
- ``body.deputy_autocall``: whether a member's absence calls their deputy in at once.
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from boardroom.models import UTCDateTime

revision: str = '0008'
down_revision: Union[str, None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

STATUSES = ('queued', 'sending', 'sent', 'retry', 'rejected', 'unconfigured')


def upgrade() -> None:
    op.add_column('body', sa.Column('deputy_autocall', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        'outboxmessage',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('message', sa.LargeBinary(), nullable=False),
        sa.Column('status', sa.Enum(*STATUSES, name='outboxstatus', native_enum=False, length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', UTCDateTime(), nullable=False),
        sa.Column('claim', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('claimed_at', UTCDateTime(), nullable=True),
        sa.Column('sent_at', UTCDateTime(), nullable=True),
        sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_outboxmessage_due', 'outboxmessage', ['status', 'next_attempt_at'])
    op.create_index(op.f('ix_outboxmessage_meeting_id'), 'outboxmessage', ['meeting_id'])
    op.create_table(
        'usedtoken',
        sa.Column('jti', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('used_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('jti'),
    )


def downgrade() -> None:
    op.drop_table('usedtoken')
    op.drop_index(op.f('ix_outboxmessage_meeting_id'), table_name='outboxmessage')
    op.drop_index('ix_outboxmessage_due', table_name='outboxmessage')
    op.drop_table('outboxmessage')
    with op.batch_alter_table('body', schema=None) as batch_op:
        batch_op.drop_column('deputy_autocall')
