"""Paths to ask-a-lawyer records that also work outside a request (CLI jobs, demo loader)."""

from flask import has_request_context, url_for


def path_for(endpoint: str, fallback: str, **values) -> str:
    if has_request_context():
        return url_for(endpoint, **values)
    return fallback


def question_url(question_id: int) -> str:
    return path_for("knowledge.question", f"/questions/{question_id}", question_id=question_id)


def article_url(article_id: int) -> str:
    return path_for("kb.article", f"/kb/{article_id}", article_id=article_id)
