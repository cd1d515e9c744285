"""search documents (PostgreSQL): each row's tsvector kept in the row, GIN without a pending list

Revision ID: e3a7c1f95d20
Revises: b8d4f6a1c3e5
Create Date: 2026-11-30 18:40:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "e3a7c1f95d20"
down_revision = "b8d4f6a1c3e5"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    # A search reads the tsvector of every row it ranks. Most vectors (1.6 kB on average) went out
    # of line into the TOAST table, one index look-up and page more per row: half the ranking's
    # CPU at 100,000 documents (docs/benchmarks-search.md). Rows up to a page now keep theirs.
    op.execute("ALTER TABLE search_documents SET (toast_tuple_target = 8160)")
    op.execute("ALTER TABLE search_documents ALTER COLUMN tsv SET STORAGE MAIN")
    # Rows written before keep their out-of-line vectors until rewritten. A new value (the same
    # lexemes) is stored by the new rules; the GIN index is built again afterwards, faster than
    # updating it row by row.
    op.execute("DROP INDEX ix_search_documents_tsv")
    op.execute("UPDATE search_documents SET tsv = tsv || ''::tsvector")
    # Without fastupdate every write goes straight into the index: no pending list for each
    # search to scan (10 ms per query at 100,000 documents until VACUUM merged it), and the
    # planner's estimate for the index does not grow with it.
    op.execute(
        "CREATE INDEX ix_search_documents_tsv ON search_documents USING gin (tsv) "
        "WITH (fastupdate = off)"
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER INDEX ix_search_documents_tsv RESET (fastupdate)")
    op.execute("ALTER TABLE search_documents ALTER COLUMN tsv SET STORAGE EXTENDED")
    op.execute("ALTER TABLE search_documents RESET (toast_tuple_target)")
