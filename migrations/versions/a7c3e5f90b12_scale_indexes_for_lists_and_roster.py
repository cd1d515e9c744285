"""scale: indexes for the lawyer roster's weekly load and the publishable-questions list

Revision ID: a7c3e5f90b12
Revises: a7c3e5d91b20
Create Date: 2026-11-30 12:25:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c3e5f90b12"
down_revision = "a7c3e5d91b20"
branch_labels = None
depends_on = None


def upgrade():
    # taken_this_week: claimed_dt >= monday OR (claimed_dt IS NULL AND assigned_dt >= monday)
    op.create_index("ix_questions_taken", "questions", ["claimed_dt", "assigned_dt"])
    # Proposed for the knowledge base: consented, answered, the latest answer first. Partial:
    # with unanswered rows in it SQLite's planner took it for the overdue lists (IS NULL).
    answered = sa.text("first_answer_dt IS NOT NULL")
    op.create_index(
        "ix_questions_publishable",
        "questions",
        ["consent_to_publish", "first_answer_dt", "status"],
        sqlite_where=answered,
        postgresql_where=answered,
    )


def downgrade():
    op.drop_index("ix_questions_publishable", table_name="questions")
    op.drop_index("ix_questions_taken", table_name="questions")
