"""Members of any kind, ownership shares, seats without a member

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 04:30:00

- ``municipality.kind``: municipality, county, enterprise, health authority or other; existing
  rows are municipalities. ``municipality.number`` widened to nine characters (an
  organisasjonsnummer). ``municipality.ownership_share``: the eierandel in per cent.
- ``costkey.ownership_percent``: the part of a key shared by ownership share; the key's parts
  still add up to 100. ``approvedshare.ownership``: that part of an approved row.
- ``membership.kind``: a member's seat, an independent member's, or an employee representative's.
- ``vote.membership_id``: the seat that voted when it represents no member; ``vote.municipality_id``
  may then be empty.
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0013'
down_revision: Union[str, None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

MEMBER_KINDS = ('municipality', 'county', 'enterprise', 'health_authority', 'other')
SEAT_KINDS = ('for_member', 'independent', 'employee')


def upgrade() -> None:
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum(*MEMBER_KINDS, name='memberkind', native_enum=False, length=20),
                                      nullable=False, server_default='municipality'))
        batch_op.add_column(sa.Column('ownership_share', sa.Numeric(precision=7, scale=4), nullable=True))
        batch_op.alter_column('number', existing_type=sqlmodel.sql.sqltypes.AutoString(length=4),
                              type_=sqlmodel.sql.sqltypes.AutoString(length=9), existing_nullable=False)

    with op.batch_alter_table('costkey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ownership_percent', sa.Numeric(precision=5, scale=2), nullable=False,
                                      server_default='0'))
        batch_op.drop_constraint('ck_cost_key_sums_to_100', type_='check')
        batch_op.create_check_constraint(
            'ck_cost_key_sums_to_100',
            '(rate_per_inhabitant IS NOT NULL) OR (flat_percent + per_inhabitant_percent + ownership_percent = 100)')

    with op.batch_alter_table('approvedshare', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ownership', sa.Numeric(precision=14, scale=2), nullable=False,
                                      server_default='0'))

    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum(*SEAT_KINDS, name='seatkind', native_enum=False, length=20),
                                      nullable=False, server_default='for_member'))

    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.add_column(sa.Column('membership_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_vote_membership_id', 'membership', ['membership_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.alter_column('municipality_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_unique_constraint('uq_vote_event_seat', ['vote_event_id', 'membership_id'])
        batch_op.create_check_constraint('ck_vote_has_group',
                                         '(municipality_id IS NOT NULL) OR (membership_id IS NOT NULL)')


def downgrade() -> None:
    # votes of seats without a member, and keys by ownership share, have no place in 0009
    op.execute("DELETE FROM vote WHERE municipality_id IS NULL")
    with op.batch_alter_table('vote', schema=None) as batch_op:
        batch_op.drop_constraint('ck_vote_has_group', type_='check')
        batch_op.drop_constraint('uq_vote_event_seat', type_='unique')
        batch_op.alter_column('municipality_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint('fk_vote_membership_id', type_='foreignkey')
        batch_op.drop_column('membership_id')

    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_column('kind')

    with op.batch_alter_table('approvedshare', schema=None) as batch_op:
        batch_op.drop_column('ownership')

    op.execute("UPDATE costkey SET flat_percent = flat_percent + ownership_percent WHERE ownership_percent <> 0")
    with op.batch_alter_table('costkey', schema=None) as batch_op:
        batch_op.drop_constraint('ck_cost_key_sums_to_100', type_='check')
        batch_op.create_check_constraint(
            'ck_cost_key_sums_to_100',
            '(rate_per_inhabitant IS NOT NULL) OR (flat_percent + per_inhabitant_percent = 100)')
        batch_op.drop_column('ownership_percent')

    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.alter_column('number', existing_type=sqlmodel.sql.sqltypes.AutoString(length=9),
                              type_=sqlmodel.sql.sqltypes.AutoString(length=4), existing_nullable=False)
        batch_op.drop_column('ownership_share')
        batch_op.drop_column('kind')
