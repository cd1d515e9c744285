"""The search engine every package indexes its documents through (Whoosh + jieba)."""
