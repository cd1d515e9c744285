"""Pages of the statute library (public, read-only)."""

import re
from itertools import groupby

from flask import abort, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from knowledge.laws.models import Law, LawArticle
from knowledge.laws.numerals import NUMERAL_CHARS, parse_article_number
from knowledge.laws.search_source import KIND
from knowledge.search import engine
from portal.core.db import db, get_or_404

KIND_LABELS = {
    "law": _l("Laws"),
    "administrative_regulation": _l("Administrative regulations"),
    "judicial_interpretation": _l("Judicial interpretations"),
}


def index():
    counts = dict(
        db.session.execute(
            select(LawArticle.law_id, func.count()).group_by(LawArticle.law_id)
        ).all()
    )
    laws = db.session.scalars(select(Law).order_by(Law.kind, Law.id)).all()
    groups = [
        (KIND_LABELS.get(kind, kind), list(items))
        for kind, items in groupby(laws, key=lambda law: law.kind)
    ]
    return render_template("laws/index.html", groups=groups, counts=counts)


def law(law_id):
    statute = get_or_404(Law, law_id)
    articles = db.session.scalars(
        select(LawArticle).where(LawArticle.law_id == law_id).order_by(LawArticle.number)
    ).all()
    chapters = [(chapter, list(items)) for chapter, items in groupby(articles, lambda a: a.chapter)]
    query = request.args.get("q", "").strip()
    results = None
    if query:
        results = engine.search(
            query,
            kinds=[KIND],
            filters={"tag": f"law:{law_id}"},
            user=current_user,
            page=request.args.get("page", 1, type=int) or 1,
            facets=False,
        )
    return render_template(
        "laws/law.html", law=statute, chapters=chapters, query=query, results=results
    )


def article(law_id, number):
    statute = get_or_404(Law, law_id)
    item = db.session.scalar(
        select(LawArticle).where(LawArticle.law_id == law_id, LawArticle.number == number)
    )
    if item is None:
        abort(404)
    neighbours = {
        n: db.session.scalar(
            select(LawArticle.number).where(LawArticle.law_id == law_id, LawArticle.number == n)
        )
        for n in (number - 1, number + 1)
    }
    return render_template(
        "laws/article.html",
        law=statute,
        article=item,
        previous=neighbours[number - 1],
        next=neighbours[number + 1],
    )


def suggest():
    """GET /laws/suggest?q=…&limit=5: the articles most likely to apply, as JSON (best first).

    For the answer editor's statute picker and other scripts; the same ranking as the question
    page's "Articles that may apply". q is a question or a few words (cut to 200 characters);
    limit 1..20 (default 5). A missing q is a 400 with a message.
    """
    from knowledge.laws.suggest import LIKELY_ARTICLES, MAX_SUGGESTIONS, likely_articles

    query = request.args.get("q", "").strip()
    if not query:
        return jsonify({"error": str(_l("Give the words to look for in q."))}), 400
    limit = request.args.get("limit", LIKELY_ARTICLES, type=int) or LIKELY_ARTICLES
    limit = max(1, min(limit, MAX_SUGGESTIONS))
    found = likely_articles(query, current_user, limit=limit)
    return jsonify(
        {"query": query[: engine.MAX_QUERY_LENGTH], "results": [s.as_json() for s in found]}
    )


SUGGEST_QUERY = re.compile(
    r"^\s*《?(?P<law>[^《》0-9第]*?)》?\s*(?:第\s*)?(?P<number>[0-9]+|["
    + NUMERAL_CHARS
    + r"]+)?\s*条?\s*$"
)


def picker():
    """The statute picker's search-as-you-type: up to 8 articles as plain citations (JSON).

    "民法典 577", "劳动合同法第三十九条" -> that article; other words -> articles whose law title or
    text contains them."""
    query = (request.args.get("q") or "").strip()[:60]
    if not query:
        return jsonify([])
    stmt = select(LawArticle).join(Law)
    match = SUGGEST_QUERY.match(query)
    number = None
    if match and match.group("number"):
        try:
            number = parse_article_number(f"第{match.group('number')}条")
        except ValueError:
            number = None
    if number is not None:
        name = (match.group("law") or "").strip()
        stmt = stmt.where(LawArticle.number == number)
        if name:
            stmt = stmt.where(Law.title.contains(name))
    else:
        stmt = stmt.where(Law.title.contains(query) | LawArticle.text.contains(query))
    articles = db.session.scalars(stmt.order_by(Law.id, LawArticle.number).limit(8)).all()
    return jsonify(
        [
            {
                "citation": f"《{a.law.short_title}》{a.label}",
                "label": f"{a.law.short_title} {a.label}",
                "preview": a.preview(80),
            }
            for a in articles
        ]
    )
