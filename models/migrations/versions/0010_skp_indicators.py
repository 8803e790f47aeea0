"""SKP indicators: an RHK holds several IKIs; a report gives a value per IKI; leaders assess

Every existing target becomes an RHK with one IKI (kuantitatif: cumulative, aspek kuantitas;
kualitatif: qualitative, aspek kualitas), and every existing report's amount (or narrative)
becomes that IKI's value, so every target counts exactly as before. Nothing is dropped: the
target's own indicator columns stay as the description of its first IKI.

Revision ID: 0010_skp_indicators
Revises: 0009_idempotency_keys
Create Date: 2026-12-06 23:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
import models.types


# revision identifiers, used by Alembic.
revision: str = '0010_skp_indicators'
down_revision: Union[str, None] = '0009_idempotency_keys'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

AMOUNT = sa.Numeric(18, 4)


def upgrade() -> None:
    op.create_table(
        'indicator',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('aspect', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('measure', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('target_amount', AMOUNT, nullable=True),
        sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.Column('periods', sa.Integer(), nullable=True),
        sa.Column('expectation', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['target_id'], ['target.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('target_id', 'position', name='uq_indicator_position'),
    )
    op.create_index(op.f('ix_indicator_target_id'), 'indicator', ['target_id'], unique=False)
    op.create_table(
        'reportvalue',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.Integer(), nullable=False),
        sa.Column('amount', AMOUNT, nullable=True),
        sa.Column('done_on', sa.Date(), nullable=True),
        sa.Column('on_time', sa.Boolean(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['report_id'], ['progressreport.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('report_id', 'indicator_id', name='uq_reportvalue_indicator'),
    )
    op.create_index(op.f('ix_reportvalue_report_id'), 'reportvalue', ['report_id'], unique=False)
    op.create_index(
        op.f('ix_reportvalue_indicator_id'), 'reportvalue', ['indicator_id'], unique=False
    )
    op.create_table(
        'indicatorassessment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.Integer(), nullable=False),
        sa.Column('assessor_id', sa.Integer(), nullable=False),
        sa.Column('expectation', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=True),
        sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['assessor_id'], ['employee.id'], ),
        sa.ForeignKeyConstraint(['report_id'], ['progressreport.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        op.f('ix_indicatorassessment_indicator_id'),
        'indicatorassessment',
        ['indicator_id'],
        unique=False,
    )
    # Every target becomes an RHK with its one IKI, at position 0.
    op.execute(
        "INSERT INTO indicator (target_id, position, aspect, measure, text, target_amount,"
        " unit, expectation)"
        " SELECT id, 0,"
        " CASE WHEN kind = 'kualitatif' THEN 'kualitas' ELSE 'kuantitas' END,"
        " CASE WHEN kind = 'kualitatif' THEN 'qualitative' ELSE 'cumulative' END,"
        " indicator, target_amount, unit, expectation FROM target"
    )
    # Every report's amount (or, without one, its narrative) becomes that IKI's value.
    op.execute(
        "INSERT INTO reportvalue (report_id, indicator_id, amount, note)"
        " SELECT r.id, i.id, r.amount, CASE WHEN r.amount IS NULL THEN r.note ELSE '' END"
        " FROM progressreport r JOIN indicator i"
        " ON i.target_id = r.target_id AND i.position = 0"
    )


def downgrade() -> None:
    # The targets' and reports' own columns still hold the single-indicator view.
    op.drop_index(op.f('ix_indicatorassessment_indicator_id'), table_name='indicatorassessment')
    op.drop_table('indicatorassessment')
    op.drop_index(op.f('ix_reportvalue_indicator_id'), table_name='reportvalue')
    op.drop_index(op.f('ix_reportvalue_report_id'), table_name='reportvalue')
    op.drop_table('reportvalue')
    op.drop_index(op.f('ix_indicator_target_id'), table_name='indicator')
    op.drop_table('indicator')
