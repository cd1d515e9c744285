"""Articles (and published answers) likely to answer a question in everyday words.

Used on the question page (lawyers: "可能适用的法条" with one-click citations), on the ask form
(the firm sees what may already answer it before sending) and by GET /laws/suggest?q= (JSON,
for the editor's statute picker).
"""

import hashlib
from dataclasses import dataclass

from markupsafe import Markup

from knowledge.laws.models import LawArticle
from knowledge.laws.search_source import KIND
from knowledge.search import engine
from portal.core import cache
from portal.core.db import db

LIKELY_ARTICLES = 5
MAX_SUGGESTIONS = 20
# A lawyer's question page suggests articles on every view (and the lawyer views it after each
# step): the statute search for the same question text is kept this long in the shared cache.
# Statutes are public, so one answer serves every user; a newly imported law shows after it.
LIKELY_TTL = 120


@dataclass
class Suggestion:
    article: LawArticle
    url: str
    snippet: Markup
    score: float

    @property
    def citation(self) -> str:
        """What the answer editor understands: [[民法典 第五百七十七条]]."""
        return f"[[{self.article.law.short_title} {self.article.label}]]"

    def as_json(self) -> dict:
        return {
            "id": self.article.id,
            "law": self.article.law.title,
            "number": self.article.number,
            "label": self.article.label,
            "title": f"{self.article.law.short_title} {self.article.label}",
            "citation": self.citation,
            "url": self.url,
            "snippet": str(self.snippet.striptags()),
            "score": round(self.score, 4),
        }


def question_text(title: str, body: str) -> str:
    """A question's words as a plain search (no query syntax; the engine cuts the length)."""
    return engine.plain_terms(f"{title or ''} {body or ''}")


def likely_articles(text: str, user=None, limit: int = LIKELY_ARTICLES) -> list[Suggestion]:
    """The statute articles most likely to apply to text, best first."""
    text = engine.plain_terms(text or "")
    if not text:
        return []
    limit = max(1, min(limit, MAX_SUGGESTIONS))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    hits = cache.get_or_set(
        f"likely-articles:{limit}:{digest}", LIKELY_TTL, lambda: _statute_hits(text, limit)
    )
    ids = [hit_id for hit_id, _url, _snippet, _score in hits]
    articles = (
        {a.id: a for a in db.session.query(LawArticle).filter(LawArticle.id.in_(ids))}
        if ids
        else {}
    )
    return [
        Suggestion(article=articles[hit_id], url=url, snippet=Markup(snippet), score=score)
        for hit_id, url, snippet, score in hits
        if hit_id in articles
    ]


def _statute_hits(text: str, limit: int) -> list:
    """[[article id, url, snippet html, score]] of the statute search (public documents: the
    same for every user, hence searched as nobody in particular)."""
    results = engine.search(
        text, kinds=[KIND], user=None, per_page=limit, facets=False, count=False
    )
    return [[hit.id, hit.url, str(hit.snippet), hit.score] for hit in results.hits]


def existing_answers(text: str, user=None, limit: int = 5):
    """Published knowledge-base answers that may already answer text (search hits)."""
    text = engine.plain_terms(text or "")
    if not text:
        return []
    return engine.search(
        text, kinds=["kb_article"], user=user, per_page=limit, facets=False, count=False
    ).hits
