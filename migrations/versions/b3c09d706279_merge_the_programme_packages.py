"""merge the programme packages

Revision ID: b3c09d706279
Revises: 0818feb5d0b4, 2c5366130ef5, a7f773ad442b, bfee4391a7b8, d4441a9a7417, e112481b2ee9, fe9a5499eeb0
Create Date: 2026-11-23 12:53:16.456937

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3c09d706279'
down_revision = ('0818feb5d0b4', '2c5366130ef5', 'a7f773ad442b', 'bfee4391a7b8', 'd4441a9a7417', 'e112481b2ee9', 'fe9a5499eeb0')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
