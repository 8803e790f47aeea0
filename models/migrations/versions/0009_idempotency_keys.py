"""idempotency keys: a report, feedback or training session remembers its draft

A Send (or Save) handled twice (after a failover the next process handles again an update
whose reply already went out) finds the saved row by this key instead of adding a second one.

Revision ID: 0009_idempotency_keys
Revises: 0006
Create Date: 2026-11-29 10:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = '0009_idempotency_keys'
down_revision: Union[str, None] = '0008_onboarding_request_caps'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('progressreport') as batch_op:
        batch_op.add_column(
            sa.Column('request_key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
    op.create_index(
        'uq_progressreport_request', 'progressreport', ['employee_id', 'request_key'], unique=True
    )
    with op.batch_alter_table('feedback') as batch_op:
        batch_op.add_column(
            sa.Column('request_key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
    op.create_index('uq_feedback_request', 'feedback', ['leader_id', 'request_key'], unique=True)
    with op.batch_alter_table('trainingsession') as batch_op:
        batch_op.add_column(
            sa.Column('request_key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
    op.create_index(
        'uq_trainingsession_request',
        'trainingsession',
        ['created_by_id', 'request_key'],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index('uq_trainingsession_request', table_name='trainingsession')
    with op.batch_alter_table('trainingsession') as batch_op:
        batch_op.drop_column('request_key')
    op.drop_index('uq_feedback_request', table_name='feedback')
    with op.batch_alter_table('feedback') as batch_op:
        batch_op.drop_column('request_key')
    op.drop_index('uq_progressreport_request', table_name='progressreport')
    with op.batch_alter_table('progressreport') as batch_op:
        batch_op.drop_column('request_key')
