"""form_submissions: one-time tokens of create forms (a repeat returns the first result)

Revision ID: 5d1c0ee7a3f2
Revises: c41f0e2a9b7d
Create Date: 2026-11-30 09:05:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5d1c0ee7a3f2"
down_revision = "c41f0e2a9b7d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "form_submissions",
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("result_url", sa.String(length=255), nullable=False),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_form_submissions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_form_submissions")),
    )
    with op.batch_alter_table("form_submissions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_form_submissions_created_dt"), ["created_dt"], unique=False
        )


def downgrade():
    with op.batch_alter_table("form_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_submissions_created_dt"))
    op.drop_table("form_submissions")
