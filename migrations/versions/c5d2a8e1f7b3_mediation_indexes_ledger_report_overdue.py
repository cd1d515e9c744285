"""mediation: indexes for the ledger, the monthly report and the overdue list

Revision ID: c5d2a8e1f7b3
Revises: b1e6d0c4a9f3
Create Date: 2026-12-01 02:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c5d2a8e1f7b3"
down_revision = "b1e6d0c4a9f3"
branch_labels = None
depends_on = None

# As mediation.models.RUNNING_WHERE (a migration does not import the models it migrates).
RUNNING_WHERE = "status IN ('accepted', 'mediators_assigned', 'in_mediation')"


def upgrade():
    # The ledger lists a committee's cases accepted in a period in acceptance order, a page at
    # a time, and the monthly report counts the cases accepted and closed in a month: without
    # these, each read every case of the committee (or all 20,000 for the federation).
    op.create_index(
        "ix_mediation_cases_committee_accepted",
        "mediation_cases",
        ["committee_id", "accepted_dt", "id"],
    )
    op.create_index(
        "ix_mediation_cases_committee_closed", "mediation_cases", ["committee_id", "closed_dt"]
    )
    # The overdue list walks the running cases by deadline and stops after a page; over the
    # status index it read and sorted all of them (1,900 at scale 1) for each page. Partial: a
    # closed case's old deadline is never read. The list's statement writes the same IN list
    # as literals, without which SQLite does not use a partial index.
    op.create_index(
        "ix_mediation_cases_running_due",
        "mediation_cases",
        ["due_dt", "id"],
        sqlite_where=sa.text(RUNNING_WHERE),
        postgresql_where=sa.text(RUNNING_WHERE),
    )


def downgrade():
    op.drop_index("ix_mediation_cases_running_due", table_name="mediation_cases")
    op.drop_index("ix_mediation_cases_committee_closed", table_name="mediation_cases")
    op.drop_index("ix_mediation_cases_committee_accepted", table_name="mediation_cases")
