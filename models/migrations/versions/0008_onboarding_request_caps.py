"""onboarding: the requester's @username on link requests, shown to approvers

Revision ID: 0008_onboarding_request_caps
Revises: 0006
Create Date: 2026-11-29 10:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = '0008_onboarding_request_caps'
down_revision: Union[str, None] = '0007_anonymous_quota'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('linkrequest') as batch:
        batch.add_column(
            sa.Column('telegram_username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('linkrequest') as batch:
        batch.drop_column('telegram_username')
