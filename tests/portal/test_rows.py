"""Per-page row helpers: a row's link and label read as url_for and the label itself give them."""

import pytest
from flask import url_for
from flask_babel import lazy_gettext as _l

from portal.core.rows import href_for, translated


@pytest.mark.parametrize(
    ("endpoint", "key", "values"),
    [
        ("mediation.case_detail", "case_id", {}),
        ("mediation.index", "committee", {"status": "open"}),
        ("mediation.committee_rules", "committee_id", {"kind": "work"}),
        ("knowledge.question", "question_id", {}),
        ("knowledge.staff_lawyer_capacity", "user_id", {}),
        ("accounts.staff_user", "user_id", {"tab": "files"}),
    ],
)
def test_a_row_link_is_what_url_for_writes(app, endpoint, key, values):
    with app.test_request_context("/"):
        href = href_for(endpoint, key, **values)
        for row_id in (1, 7, 42, 987654321, 2**40):
            assert href(row_id) == url_for(endpoint, **{key: row_id}, **values)


def test_a_row_link_keeps_the_script_root(app):
    with app.test_request_context("/", base_url="http://portal.example/legal/"):
        user = href_for("accounts.staff_user", "user_id", tab="files")
        assert user(5) == url_for("accounts.staff_user", user_id=5, tab="files")
        assert user(5).startswith("/legal/")


def test_a_row_link_carries_an_id_given_in_the_query_string_too(app):
    with app.test_request_context("/"):
        assert href_for("mediation.index", "committee")(3) == "/mediation?committee=3"


@pytest.mark.parametrize(("header", "overdue"), [("zh-CN", "已超期"), ("en", "Overdue")])
def test_labels_are_text_in_the_request_language(app, header, overdue):
    labels = {"a": _l("Overdue"), "b": _l("Status")}
    with app.test_request_context("/", headers={"Accept-Language": header}):
        text = translated(labels)
        assert text["a"] == overdue == str(labels["a"])
        assert type(text["a"]) is str and text["b"] == str(labels["b"])
        with pytest.raises(KeyError):
            text["no such label"]


def test_a_long_select_writes_what_wtforms_select_writes(app):
    from wtforms import SelectField
    from wtforms.widgets import Select

    from portal.core.forms import FlaskForm, LongSelect

    choices = [(1, "丁刚"), (2, 'A & B "<law>"'), (3, "Ω")]

    class Plain(FlaskForm):
        lawyer = SelectField("Lawyer", coerce=int, choices=choices, widget=Select())

    class Long(FlaskForm):
        lawyer = SelectField("Lawyer", coerce=int, choices=choices, widget=LongSelect())

    with app.test_request_context("/"):
        for data in (None, 2):
            plain, long = Plain(meta={"csrf": False}), Long(meta={"csrf": False})
            plain.lawyer.data = long.lawyer.data = data
            assert str(long.lawyer(class_="form-select")) == str(plain.lawyer(class_="form-select"))
        assert "selected" in str(long.lawyer()) and "&amp; B &#34;&lt;law&gt;" in str(long.lawyer())


def test_a_long_select_given_its_options_written_once_writes_the_same(app):
    from wtforms import SelectField
    from wtforms.validators import DataRequired
    from wtforms.widgets import Select

    from portal.core.forms import FlaskForm, LongSelect

    choices = [(1, "丁刚"), (2, 'A & B "<law>"'), (3, "Ω")]
    written = LongSelect.written_options(choices)

    class Plain(FlaskForm):
        lawyer = SelectField(
            "Lawyer", coerce=int, choices=choices, widget=Select(), validators=[DataRequired()]
        )

    class Long(FlaskForm):
        lawyer = SelectField(
            "Lawyer", coerce=int, choices=choices, widget=LongSelect(), validators=[DataRequired()]
        )

    with app.test_request_context("/"):
        for data in (None, 2):
            plain, long = Plain(meta={"csrf": False}), Long(meta={"csrf": False})
            long.lawyer.written_options = written
            plain.lawyer.data = long.lawyer.data = data
            assert str(long.lawyer(class_="form-select")) == str(plain.lawyer(class_="form-select"))
        # A chosen lawyer is written as chosen: the written options are for a form with none.
        assert 'selected value="2"' in str(long.lawyer())
        long.lawyer.data = None
        assert "selected" not in str(long.lawyer()) and "required" in str(long.lawyer())


def test_a_long_multiple_select_given_its_options_written_once_writes_the_same(app):
    from wtforms import SelectMultipleField
    from wtforms.validators import DataRequired
    from wtforms.widgets import Select

    from portal.core.forms import FlaskForm, LongSelect

    choices = [(1, "丁刚"), (2, 'A & B "<law>"'), (3, "Ω")]
    # Pairs given as lists (as a cached list comes back) are the same choices, written once.
    written = LongSelect.written_options([list(choice) for choice in choices])
    assert LongSelect.written_options(choices) is written

    class Plain(FlaskForm):
        lawyers = SelectMultipleField(
            "Lawyers",
            coerce=int,
            choices=choices,
            widget=Select(multiple=True),
            validators=[DataRequired()],
        )

    class Long(FlaskForm):
        lawyers = SelectMultipleField(
            "Lawyers",
            coerce=int,
            choices=choices,
            widget=LongSelect(multiple=True),
            validators=[DataRequired()],
        )

    with app.test_request_context("/"):
        for data in (None, [1, 3]):
            plain, long = Plain(meta={"csrf": False}), Long(meta={"csrf": False})
            long.lawyers.written_options = written
            plain.lawyers.data = long.lawyers.data = data
            assert str(long.lawyers(size=6)) == str(plain.lawyers(size=6))
        assert " multiple " in str(long.lawyers()) and 'selected value="3"' in str(long.lawyers())
    # Another list of lawyers (one renamed) is written anew, never the old one's options.
    renamed = LongSelect.written_options([(1, "丁刚"), (2, "B"), (3, "Ω")])
    assert renamed != written and ">B</option>" in renamed
