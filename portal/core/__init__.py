"""Cross-cutting services every package uses: database, i18n, markdown, time, uploads."""
