"""enterprises.verified_by_id foreign key on databases that skipped it

The first migration declared it with use_alter (users and enterprises point at each other);
create_table leaves such a constraint out on PostgreSQL and nothing added it afterwards.

Revision ID: c41f0e2a9b7d
Revises: b3c09d706279
Create Date: 2026-11-23 12:55:00

"""
import sqlalchemy as sa
from alembic import op

revision = "c41f0e2a9b7d"
down_revision = "b3c09d706279"
branch_labels = None
depends_on = None

NAME = "fk_enterprises_verified_by_id_users"


def _has_constraint(bind) -> bool:
    return any(fk["name"] == NAME for fk in sa.inspect(bind).get_foreign_keys("enterprises"))


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "sqlite" and not _has_constraint(bind):
        op.create_foreign_key(NAME, "enterprises", "users", ["verified_by_id"], ["id"])


def downgrade():
    # On PostgreSQL the first migration never created it, so its downgrade would not drop it
    # and dropping `users` would fail.
    bind = op.get_bind()
    if bind.dialect.name != "sqlite" and _has_constraint(bind):
        op.drop_constraint(NAME, "enterprises", type_="foreignkey")
