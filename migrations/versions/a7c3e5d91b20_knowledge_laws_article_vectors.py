"""knowledge.laws: article vectors for optional dense retrieval

Revision ID: a7c3e5d91b20
Revises: 3d8863e8067f
Create Date: 2026-11-30 12:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e5d91b20'
down_revision = '3d8863e8067f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('law_article_vectors',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('model', sa.String(length=100), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.Column('updated_dt', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['law_articles.id'], name=op.f('fk_law_article_vectors_article_id_law_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', name=op.f('pk_law_article_vectors'))
    )


def downgrade():
    op.drop_table('law_article_vectors')
