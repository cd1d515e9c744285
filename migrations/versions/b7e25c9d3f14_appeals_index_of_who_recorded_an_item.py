"""appeals: who recorded an item, and its department, indexed in date order (their lists)

Revision ID: b7e25c9d3f14
Revises: a8c41d2e7b90
Create Date: 2026-12-01 00:25:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b7e25c9d3f14"
down_revision = "a8c41d2e7b90"
branch_labels = None
depends_on = None


def upgrade():
    # A lawyer sees the items they escalated (created_by_id), newest first: the list walked the
    # created_dt index through every item to find them. A department handler sees the
    # department's items: they were read by the organisation index and sorted on every view.
    op.create_index(
        "ix_appeal_referrals_created_by",
        "appeal_referrals",
        ["created_by_id", "created_dt", "id"],
    )
    op.drop_index("ix_appeal_referrals_organisation_id", table_name="appeal_referrals")
    op.create_index(
        "ix_appeal_referrals_organisation",
        "appeal_referrals",
        ["organisation_id", "created_dt", "id"],
    )


def downgrade():
    op.drop_index("ix_appeal_referrals_organisation", table_name="appeal_referrals")
    op.create_index(
        "ix_appeal_referrals_organisation_id", "appeal_referrals", ["organisation_id"]
    )
    op.drop_index("ix_appeal_referrals_created_by", table_name="appeal_referrals")
