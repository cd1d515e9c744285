"""demo markers: each demo loader records that it ran

Revision ID: 5d2f8c1a9e47
Revises: c41f0e2a9b7d
Create Date: 2026-11-30 09:20:00

A database loaded before the markers existed gets the markers its rows imply, so running
`flask demo load` again never loads the same demo twice.
"""

import sqlalchemy as sa
from alembic import op

revision = "5d2f8c1a9e47"
down_revision = "c41f0e2a9b7d"
branch_labels = None
depends_on = None

IMPLIED = {
    "appeals": "SELECT 1 FROM appeal_referrals WHERE register_ref LIKE 'SYSQ-%'",
    "counsel": "SELECT 1 FROM counsel_groups",
    "mediation cases": "SELECT 1 FROM mediation_cases",
}


def upgrade():
    op.create_table(
        "demo_markers",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("loaded_dt", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_demo_markers")),
    )
    connection = op.get_bind()
    for name, query in IMPLIED.items():
        if connection.execute(sa.text(query + " LIMIT 1")).first() is not None:
            connection.execute(
                sa.text("INSERT INTO demo_markers (name, loaded_dt) VALUES (:name, :now)"),
                {"name": name, "now": _now()},
            )


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(tzinfo=None)


def downgrade():
    op.drop_table("demo_markers")
