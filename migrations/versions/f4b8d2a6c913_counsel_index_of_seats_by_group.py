"""counsel: index of memberships and lawyer seats by group

Revision ID: f4b8d2a6c913
Revises: c2f7a9e1d350
Create Date: 2026-12-01 05:40:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "f4b8d2a6c913"
down_revision = "c2f7a9e1d350"
branch_labels = None
depends_on = None


def upgrade():
    # A group's page reads all its seats, past and current: the partial indexes on (group_id,
    # slot) hold current seats only, so each view scanned the 2,500 memberships and 1,000 lawyer
    # seats of scale 1 (some 150 µs in SQLite, more as groups renew).
    op.create_index("ix_counsel_memberships_group_id", "counsel_memberships", ["group_id"])
    op.create_index("ix_counsel_lawyer_seats_group_id", "counsel_lawyer_seats", ["group_id"])


def downgrade():
    op.drop_index("ix_counsel_lawyer_seats_group_id", table_name="counsel_lawyer_seats")
    op.drop_index("ix_counsel_memberships_group_id", table_name="counsel_memberships")
