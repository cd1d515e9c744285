"""knowledge.search: stored vectors of questions' search texts (dense retrieval)

Revision ID: b5e1d7c3a902
Revises: a7c3e5f90b12
Create Date: 2026-11-30 15:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b5e1d7c3a902'
down_revision = 'a7c3e5f90b12'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_query_vectors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('model', sa.String(length=100), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.Column('updated_dt', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_query_vectors')),
    sa.UniqueConstraint('kind', 'object_id', name=op.f('uq_search_query_vectors_kind'))
    )
    op.create_index('ix_search_query_vectors_model_digest', 'search_query_vectors', ['model', 'digest'], unique=False)


def downgrade():
    op.drop_index('ix_search_query_vectors_model_digest', table_name='search_query_vectors')
    op.drop_table('search_query_vectors')
