"""anonymous questions: no per-person quota row, no persisted question drafts

The daily question limit no longer lives in a table: named questions are counted by their
asker_id, anonymous ones in the bot's memory only (bot/services/questions/,
AnonymousTally). The old per-person quota rows linked a named question to the anonymous
ones asked after it, so they are dropped, past days and today's alike.

Question drafts are no longer persisted either (bot/runtime/private_drafts.py): drafts left in
user_data by an earlier version are removed, and a conversation left in the retired
"anonymous: where to?" step (state 2 of the questions flow) goes back to its first step, whose
handlers tell the user kindly to start again.

Revision ID: 0007_anonymous_quota
Revises: 0006
Create Date: 2026-11-29 10:00:00

"""
import json
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = '0007_anonymous_quota'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

DRAFT_KEY = "question_draft"
QUESTIONS = "questions"
RETIRED_ROUTE_STATE = "2"
MODE_STATE = "1"


def upgrade() -> None:
    op.drop_table('questionquota')
    bind = op.get_bind()
    user_data = sa.table(
        'user_data', sa.column('user_id', sa.BigInteger()), sa.column('data', sa.Text())
    )
    rows = bind.execute(
        sa.select(user_data.c.user_id, user_data.c.data).where(
            user_data.c.data.like(f'%"{DRAFT_KEY}"%')
        )
    ).all()
    for user_id, raw in rows:
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        if not isinstance(data, dict) or data.pop(DRAFT_KEY, None) is None:
            continue
        where = user_data.c.user_id == user_id
        if data:
            encoded = json.dumps(data, ensure_ascii=False, default=str)
            bind.execute(sa.update(user_data).where(where).values(data=encoded))
        else:
            bind.execute(sa.delete(user_data).where(where))
    states = sa.table(
        'conversationstate', sa.column('name', sa.String()), sa.column('state', sa.Text())
    )
    bind.execute(
        sa.update(states)
        .where(states.c.name == QUESTIONS, states.c.state == RETIRED_ROUTE_STATE)
        .values(state=MODE_STATE)
    )


def downgrade() -> None:
    # The dropped counts and drafts do not come back: the limit simply starts afresh.
    op.create_table('questionquota',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key', 'day', name='uq_quota_key_day')
    )
