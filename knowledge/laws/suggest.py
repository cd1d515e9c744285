"""Articles (and published answers) likely to answer a question in everyday words.

Used on the question page (lawyers: "可能适用的法条" with one-click citations), on the ask form
(the firm sees what may already answer it before sending) and by GET /laws/suggest?q= (JSON,
for the editor's statute picker).
"""

import hashlib
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import select

from knowledge.laws.models import Law, LawArticle, short_title
from knowledge.laws.search_source import KIND
from knowledge.search import engine
from portal.core import cache
from portal.core.db import db

LIKELY_ARTICLES = 5
MAX_SUGGESTIONS = 20
# A lawyer's question page suggests articles on every view (and the lawyer views it after each
# step, over days): what the statute search found for the same question text, with what the
# page prints of each article, is kept this long in the shared cache, so a question's words are
# searched about once (a search cost ~18 ms of CPU, 45 ms more to embed words not embedded yet).
# Statutes are public, so one answer serves every user. It is kept under the statute index's
# token (engine.index_generation): a law imported, changed or re-embedded is suggested as soon
# as the index has it; an edited question has other words, hence another key.
LIKELY_TTL = 24 * 3600


@dataclass(frozen=True)
class SuggestedArticle:
    """What the pages and the JSON endpoint show of a suggested article (kept with the search's
    result, so that showing a suggestion reads nothing from the database)."""

    id: int
    law_title: str
    number: int
    label: str

    @property
    def short_title(self) -> str:
        return short_title(self.law_title)

    @property
    def citation(self) -> str:
        """民法典第五百七十七条, as LawArticle.citation."""
        return f"{self.short_title}{self.label}"


@dataclass
class Suggestion:
    article: SuggestedArticle
    url: str
    snippet: Markup
    score: float

    @property
    def citation(self) -> str:
        """What the answer editor understands: [[民法典 第五百七十七条]]."""
        return f"[[{self.article.short_title} {self.article.label}]]"

    def as_json(self) -> dict:
        return {
            "id": self.article.id,
            "law": self.article.law_title,
            "number": self.article.number,
            "label": self.article.label,
            "title": f"{self.article.short_title} {self.article.label}",
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
        f"likely-articles:{engine.index_generation(KIND)}:{limit}:{digest}",
        LIKELY_TTL,
        lambda: _statute_hits(text, limit),
    )
    return [
        Suggestion(
            article=SuggestedArticle(article_id, law_title, number, label),
            url=url,
            snippet=Markup(snippet),
            score=score,
        )
        for article_id, url, snippet, score, law_title, number, label in hits
    ]


def _statute_hits(text: str, limit: int) -> list:
    """[[article id, url, snippet html, score, law title, number, label]] of the statute search
    (public documents: the same for every user, hence searched as nobody in particular), of the
    articles still in the library."""
    results = engine.search(
        text, kinds=[KIND], user=None, per_page=limit, facets=False, count=False
    )
    ids = [hit.id for hit in results.hits]
    printed = {
        article_id: [law_title, number, label]
        for article_id, law_title, number, label in db.session.execute(
            select(LawArticle.id, Law.title, LawArticle.number, LawArticle.label)
            .join(Law, Law.id == LawArticle.law_id)
            .where(LawArticle.id.in_(ids or [0]))
        )
    }
    return [
        [hit.id, hit.url, str(hit.snippet), hit.score, *printed[hit.id]]
        for hit in results.hits
        if hit.id in printed
    ]


def existing_answers(text: str, user=None, limit: int = 5):
    """Published knowledge-base answers that may already answer text (search hits)."""
    text = engine.plain_terms(text or "")
    if not text:
        return []
    return engine.search(
        text, kinds=["kb_article"], user=user, per_page=limit, facets=False, count=False
    ).hits
