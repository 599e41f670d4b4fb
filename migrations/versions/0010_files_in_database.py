"""Several app servers: the bytes of every stored file move from one server's disk into the database

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 04:30:00

- ``storedfilecontent``: the bytes of a ``storedfile``, keyed by its SHA-256 (a table of its own,
  so that the queries that list and join files never read their content).
- The files under the old file store (``<instance>/files/ab/abcdef…``, or ``UPLOAD_FOLDER``),
  passed in by ``boardroom db upgrade`` as the Alembic attribute ``file_root``, are copied in.
  Idempotent: a file already in the table is skipped. A file that is missing on disk, or whose
  bytes do not match its SHA-256, is skipped and counted in the attribute ``files_skipped``
  (``boardroom db upgrade`` then names them, and moves them in once they are put back). The
  number moved is the attribute ``files_moved``. The files on disk are left where they are.
- ``sharedsetting``: what every app server on the database must agree on; the fingerprint of the
  secret key that signs sessions (``boardroom serve`` records it, and refuses another key).

Self-contained on purpose (plain tables; of boardroom only its column type UTCDateTime, as in
0001), so that it keeps doing what it did when the models change later.
"""
import hashlib
from pathlib import Path
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import boardroom.models

revision: str = '0010'
down_revision: Union[str, None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

stored = sa.table('storedfile', sa.column('id', sa.Integer), sa.column('sha256', sa.String))
content = sa.table('storedfilecontent', sa.column('sha256', sa.String), sa.column('data', sa.LargeBinary))


def _attributes() -> dict:
    return op.get_context().config.attributes


def _file_root() -> Path | None:
    root = _attributes().get('file_root')
    return Path(root) if root else None


def upgrade() -> None:
    op.create_table(
        'storedfilecontent',
        sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['sha256'], ['storedfile.sha256'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('sha256'),
    )
    op.create_table(
        'sharedsetting',
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('changed_at', boardroom.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )
    root = _file_root()
    if root is None:  # run without a file store (a restore, a bare `alembic upgrade`): nothing to move
        return
    conn = op.get_bind()
    lacking = conn.execute(sa.select(stored.c.sha256).where(~sa.exists().where(content.c.sha256 == stored.c.sha256))
                           .order_by(stored.c.id)).scalars().all()
    moved, skipped = 0, []
    for digest in lacking:
        try:
            data = (root / digest[:2] / digest).read_bytes()
        except OSError:
            skipped.append(digest)
            continue
        if hashlib.sha256(data).hexdigest() != digest:
            skipped.append(digest)
            continue
        conn.execute(content.insert().values(sha256=digest, data=data))
        moved += 1
    _attributes().update(files_moved=moved, files_skipped=skipped)


def downgrade() -> None:
    # 0009 keeps the bytes on disk: write them back there before the table goes
    conn = op.get_bind()
    root = _file_root()
    if conn.execute(sa.select(sa.func.count()).select_from(content)).scalar():
        if root is None:
            raise RuntimeError("Downgrading below 0010 needs the file store (Alembic attribute file_root) "
                               "to write the stored files back to.")
        for digest, data in conn.execute(sa.select(content.c.sha256, content.c.data)):
            target = root / digest[:2] / digest
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    op.drop_table('sharedsetting')
    op.drop_table('storedfilecontent')
