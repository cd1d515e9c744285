"""Chinese numerals of article labels, both ways."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge.laws.hooks import DATA_FILE
from knowledge.laws.numerals import (
    article_label,
    parse_article_number,
    parse_chinese_number,
    to_chinese_number,
)


@given(st.integers(min_value=1, max_value=2000))
def test_numbers_round_trip(number):
    assert parse_chinese_number(to_chinese_number(number)) == number
    assert parse_article_number(article_label(number)) == number
    assert parse_article_number(f"第{number}条") == number


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("十", 10),
        ("十五", 15),
        ("一百一十", 110),
        ("一千零一", 1001),
        ("一千二百六十", 1260),
        ("五百七十七", 577),
        ("二百零五", 205),
        ("两千", 2000),
    ],
)
def test_known_numerals(text, number):
    assert parse_chinese_number(text) == number


@pytest.mark.parametrize("text", ["", "百", "七十七七", "十百", "abc", "一千千", "五十百"])
def test_nonsense_is_refused(text):
    with pytest.raises(ValueError):
        parse_chinese_number(text)


def test_every_label_of_the_shared_corpus_parses_to_its_number():
    with open(DATA_FILE, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            assert parse_article_number(record["article"]) == record["number"]
            assert article_label(record["number"]) == record["article"]
