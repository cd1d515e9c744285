"""The statute library (法规库): laws, their articles, citations in Markdown."""
