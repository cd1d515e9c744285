"""What a package's statistics function returns: typed figures with translated labels.

`add_stats(app, title, fn)` wraps fn so every result is checked: a list of `Figure`, or a dict
whose keys are translated labels (values numbers, text, or such a dict for a breakdown). Raw
identifiers ("asked", "success_rate") are refused unless the dashboard knows a translated label
for them (portal.dashboard.labels, for the packages written before this check); a list in a
dict value is refused. A refused result shows as an error for that package only.
"""

import re
from dataclasses import dataclass

RAW_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Figure:
    label: object  # a lazy or plain translated string
    value: int | float | str | None
    link: str | None = None  # the list behind the figure (a URL)
    key: str = ""  # a stable code (reports, trends); never shown


class StatisticsError(TypeError):
    """A statistics function returned something the dashboard cannot show as it is."""


def is_raw_key(text) -> bool:
    return isinstance(text, str) and bool(RAW_KEY.match(text))


def check_figures(result, translate_key=None) -> list[Figure]:
    """-> [Figure]; dict results become Figures ("label · sub-label" for breakdowns)."""
    if result is None:
        return []
    if isinstance(result, list):
        for item in result:
            if not isinstance(item, Figure):
                raise StatisticsError(f"a list of Figure expected, got {type(item).__name__}")
            if is_raw_key(str(item.label)):
                raise StatisticsError(f"untranslated label {item.label!r}")
        return result
    if not isinstance(result, dict):
        raise StatisticsError(f"a dict or a list of Figure expected, got {type(result).__name__}")
    figures = []
    for key, value in result.items():
        figure = translate_key(key, value) if translate_key and is_raw_key(key) else None
        if figure is False:
            continue  # a key the dashboard knowingly leaves out
        if figure is not None:
            figures.append(figure)
            continue
        if is_raw_key(key):
            raise StatisticsError(f"untranslated key {key!r}")
        if isinstance(value, dict):
            figures.extend(
                Figure(f"{key} · {sub.label}", sub.value, sub.link, sub.key)
                for sub in check_figures(value, translate_key)
            )
        elif isinstance(value, (list, tuple, set)):
            raise StatisticsError(f"a list is not a figure: {key!r}")
        else:
            figures.append(Figure(key, value))
    return figures
