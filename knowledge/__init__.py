"""Questions, routing to volunteer lawyers, the public knowledge base and search."""
