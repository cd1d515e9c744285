"""mediation: indexes for the cases a user sees (applicant; party named by user, with case)

Revision ID: b1e6d0c4a9f3
Revises: b7e25c9d3f14
Create Date: 2026-12-01 00:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b1e6d0c4a9f3"
down_revision = "b7e25c9d3f14"
branch_labels = None
depends_on = None


def upgrade():
    # The case list starts from the user's own rows (mediation.permissions.visible_cases): the
    # cases they applied for, and those naming them on a party. The party index carries the
    # case id so that the lookup never reads the table (most parties name no user: SQLite's
    # statistics rated a user_id-only index as matching every row and scanned instead).
    op.create_index(
        "ix_mediation_cases_applicant_user_id", "mediation_cases", ["applicant_user_id"]
    )
    op.drop_index("ix_mediation_case_parties_user_id", table_name="mediation_case_parties")
    op.create_index(
        "ix_mediation_case_parties_user_case", "mediation_case_parties", ["user_id", "case_id"]
    )


def downgrade():
    op.drop_index("ix_mediation_case_parties_user_case", table_name="mediation_case_parties")
    op.create_index("ix_mediation_case_parties_user_id", "mediation_case_parties", ["user_id"])
    op.drop_index("ix_mediation_cases_applicant_user_id", table_name="mediation_cases")
