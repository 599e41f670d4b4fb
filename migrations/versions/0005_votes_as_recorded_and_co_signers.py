"""votes as recorded and co-signers

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:24:45.646575
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
import boardroom.models


revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


BASE = sa.Enum('votes_cast', 'members_present', 'all_members', name='majoritybase', native_enum=False, length=20)
METHOD = sa.Enum('counted', 'unanimously', 'none', name='decisionmethod', native_enum=False, length=20)


def upgrade() -> None:
    with op.batch_alter_table('agendaitem', schema=None) as batch_op:
        batch_op.add_column(sa.Column('majority_base', BASE, server_default='votes_cast', nullable=False))
        batch_op.add_column(sa.Column('decided_by', METHOD, nullable=True))

    with op.batch_alter_table('body', schema=None) as batch_op:
        batch_op.add_column(sa.Column('co_signers', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('abstain_allowed', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_check_constraint('ck_body_co_signers', 'co_signers BETWEEN 1 AND 2')

    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('second_co_signer_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_meeting_second_co_signer', 'person', ['second_co_signer_id'], ['id'],
                                    ondelete='SET NULL')

    with op.batch_alter_table('voteevent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('base', BASE, server_default='votes_cast', nullable=False))

    # a case with votes recorded was decided by a counted vote; every other case stays unrecorded
    op.execute("UPDATE agendaitem SET decided_by = 'counted' WHERE id IN (SELECT agenda_item_id FROM voteevent)")


def downgrade() -> None:
    with op.batch_alter_table('voteevent', schema=None) as batch_op:
        batch_op.drop_column('base')

    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_constraint('fk_meeting_second_co_signer', type_='foreignkey')
        batch_op.drop_column('second_co_signer_id')

    with op.batch_alter_table('body', schema=None) as batch_op:
        batch_op.drop_constraint('ck_body_co_signers', type_='check')
        batch_op.drop_column('abstain_allowed')
        batch_op.drop_column('co_signers')

    with op.batch_alter_table('agendaitem', schema=None) as batch_op:
        batch_op.drop_column('decided_by')
        batch_op.drop_column('majority_base')
