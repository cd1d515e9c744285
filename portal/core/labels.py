"""Names that tell rows apart in a report grouped by id."""

from collections import Counter


def distinct_labels(rows) -> dict:
    """{id: shown name} from (id, name, hint) rows. Reports group by id, never by name: two
    lawyers, groups or chambers may share a name (张伟 is common), and each keeps its own row.
    A shared name is followed by the hint in brackets (a law firm, a chamber's code), and by
    the id as well when the hint does not tell them apart."""
    rows = list(rows)
    names = Counter(name for _id, name, _hint in rows)
    hinted = Counter((name, hint) for _id, name, hint in rows)
    labels = {}
    for id_, name, hint in rows:
        if names[name] == 1:
            labels[id_] = name
        elif hint and hinted[name, hint] == 1:
            labels[id_] = f"{name} ({hint})"
        else:
            labels[id_] = f"{name} (#{id_})"
    return labels


def lawyer_labels(ids) -> dict:
    """{user id: shown name} of these lawyers, told apart by law firm (distinct_labels)."""
    from sqlalchemy import select

    from portal.accounts.models import LawyerProfile, User
    from portal.core.db import db

    ids = [id_ for id_ in ids if id_ is not None]
    if not ids:
        return {}
    return distinct_labels(
        db.session.execute(
            select(User.id, User.name, LawyerProfile.law_firm)
            .outerjoin(LawyerProfile, LawyerProfile.user_id == User.id)
            .where(User.id.in_(ids))
        )
    )


def chamber_labels(ids=None) -> dict:
    """{chamber id: shown name} of these chambers (all when ids is None), told apart by code."""
    from sqlalchemy import select

    from portal.accounts.models import Chamber
    from portal.core.db import db

    stmt = select(Chamber.id, Chamber.name, Chamber.code)
    if ids is not None:
        ids = [id_ for id_ in ids if id_ is not None]
        if not ids:
            return {}
        stmt = stmt.where(Chamber.id.in_(ids))
    return distinct_labels(db.session.execute(stmt))
