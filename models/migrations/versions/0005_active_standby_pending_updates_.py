"""active/standby: updates fetched but not yet handled

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 15:20:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import models.types


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('pending_update',
    sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('handled', sa.Boolean(), server_default='0', nullable=False),
    sa.Column('received_at', models.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('update_id')
    )
    op.create_index(op.f('ix_pending_update_received_at'), 'pending_update', ['received_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_pending_update_received_at'), table_name='pending_update')
    op.drop_table('pending_update')
