"""merge parallel branches

Revision ID: 3d8863e8067f
Revises: 48c08cfe7053, 5d1c0ee7a3f2, 5d2f8c1a9e47, 9edc6fc1d147
Create Date: 2026-11-30 10:34:38.841066

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3d8863e8067f'
down_revision = ('48c08cfe7053', '5d1c0ee7a3f2', '5d2f8c1a9e47', '9edc6fc1d147')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
