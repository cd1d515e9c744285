"""The public search page: works without JavaScript, filters and facets are plain links."""

from flask import render_template, request, url_for
from flask_login import current_user

from knowledge.search import engine
from knowledge.search.forms import SearchForm
from knowledge.search.labels import KIND_LABELS, category_label, facet_label, kind_label
from portal.core.reference import LEGAL_CATEGORIES, industry_choices

FILTER_ARGS = ("kind", "category", "industry", "date_from", "date_to")


def _link_with(**changes):
    """This search's URL with some arguments changed (None removes one); back to page 1."""
    args = {k: v for k, v in request.args.items() if v and k != "page"}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for("search.search", **args)


def search_page():
    form = SearchForm(formdata=request.args)
    form.kind.choices = [("", "—")] + [(k, str(v)) for k, v in KIND_LABELS.items()]
    form.category.choices = [("", "—")] + [
        (c, category_label(c)) for c, _zh, _en in LEGAL_CATEGORIES
    ]
    form.industry.choices = [("", "—")] + industry_choices()
    form.validate()  # only the dates can be wrong; their errors are shown and they are ignored
    results = None
    if form.q.data and form.q.data.strip():
        filters = {
            "category": form.category.data or None,
            "industry": form.industry.data or None,
            "date_from": None if form.date_from.errors else form.date_from.data,
            "date_to": None if form.date_to.errors else form.date_to.data,
        }
        results = engine.search(
            form.q.data,
            kinds=[form.kind.data] if form.kind.data else None,
            filters=filters,
            user=current_user,
            page=request.args.get("page", 1, type=int) or 1,
        )
    page_args = {k: v for k, v in request.args.items() if v and k != "page"}
    return render_template(
        "search/search.html",
        form=form,
        results=results,
        page_args=page_args,
        link_with=_link_with,
        facet_label=facet_label,
        kind_label=kind_label,
    )
