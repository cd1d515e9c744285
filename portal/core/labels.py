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
