"""appeals: index the firm's credit code (an item's possible duplicates are looked up by it)

Revision ID: b8d4f6a1c3e5
Revises: b5e1d7c3a902
Create Date: 2026-11-30 15:40:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b8d4f6a1c3e5"
down_revision = "b5e1d7c3a902"
branch_labels = None
depends_on = None


def upgrade():
    # duplicates_of: enterprise_id = ? OR firm_uscc = ?; without this index every appeal page
    # read the whole register (20,000 items at scale 1).
    op.create_index(
        op.f("ix_appeal_referrals_firm_uscc"), "appeal_referrals", ["firm_uscc"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_appeal_referrals_firm_uscc"), table_name="appeal_referrals")
