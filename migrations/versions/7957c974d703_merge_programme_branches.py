"""merge programme branches

Revision ID: 7957c974d703
Revises: 2c5366130ef5, 364f415ae6a3, bfee4391a7b8, d4441a9a7417, e112481b2ee9, fe9a5499eeb0
Create Date: 2026-11-23 12:09:24.935377

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7957c974d703'
down_revision = ('2c5366130ef5', '364f415ae6a3', 'bfee4391a7b8', 'd4441a9a7417', 'e112481b2ee9', 'fe9a5499eeb0')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
