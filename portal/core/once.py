"""One-time tokens of create forms: a form submitted twice (or ten times at once) makes one record.

A create form subclasses `portal.core.forms.OnceForm` (a hidden `submission_token`, new for
every rendered form). Its view, after validation and before creating anything:

    first = once.first_result(form)
    if first:
        return first                       # a redirect to what the first submission created
    thing = operations.create_thing(...)
    once.remember(form, url_for(".thing", thing_id=thing.id))
    db.session.commit()

`first_result` claims the token by inserting it (primary key) inside a savepoint, in the
request's own transaction; the claim and the created record commit or roll back together, so a
submission that fails can be sent again. A form posted without a token (an old page, a script)
is not deduplicated.
"""

from flask import flash, redirect
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from portal.core.db import db
from portal.core.models import FormSubmission
from portal.core.params import BadInput


def _token(form) -> str:
    field = getattr(form, "submission_token", None)
    return (field.data or "") if field is not None else ""


def first_result(form):
    """Claim the form's token; a redirect to the first result when it was already claimed."""
    token = _token(form)
    if not token:
        return None
    user_id = current_user.id if current_user.is_authenticated else None
    claim = FormSubmission(token=token, user_id=user_id)
    try:
        with db.session.begin_nested():
            db.session.add(claim)
    except IntegrityError:
        pass
    else:
        form._once_claim = claim  # for remember(), without reading it back
        return None
    first = db.session.get(FormSubmission, token, populate_existing=True)
    if first is None or first.user_id != user_id or not first.result_url:
        raise BadInput(_("This form was already used. Reload the page to start again."))
    flash(_("This form was already sent; here is what it created."), "info")
    return redirect(first.result_url)


def remember(form, url: str) -> None:
    """Record where the first submission's result lives (in the same transaction as the record)."""
    token = _token(form)
    claimed = getattr(form, "_once_claim", None)
    if claimed is None and token:
        claimed = db.session.get(FormSubmission, token)
    if claimed is not None:  # None: the view did not claim it (an edit through the same form)
        claimed.result_url = url
