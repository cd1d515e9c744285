"""appeals: the status index also orders by date, for the list filtered by one status

Revision ID: a8c41d2e7b90
Revises: c5d2e8f41a76
Create Date: 2026-12-01 00:10:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "a8c41d2e7b90"
down_revision = "c5d2e8f41a76"
branch_labels = None
depends_on = None


def upgrade():
    # /appeals?status=merged (no such items) scanned every item along the created_dt index:
    # the list's newest-first order now comes from the status index itself. Its first column
    # still serves every lookup by status alone.
    op.drop_index("ix_appeal_referrals_status", table_name="appeal_referrals")
    op.create_index(
        "ix_appeal_referrals_status_created", "appeal_referrals", ["status", "created_dt", "id"]
    )


def downgrade():
    op.drop_index("ix_appeal_referrals_status_created", table_name="appeal_referrals")
    op.create_index("ix_appeal_referrals_status", "appeal_referrals", ["status"])
