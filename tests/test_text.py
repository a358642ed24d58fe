"""The one module of Russian dates, counts and names."""

import datetime as dt
from decimal import Decimal

import pytest

from cluster_intranet.text import (
    date_range,
    days,
    file_size,
    local_datetime,
    plural,
    ru_date,
    sentence,
    short_date,
    short_name,
)


def test_dates_read_the_russian_way():
    assert ru_date(dt.date(2021, 10, 22)) == "22 октября 2021 г."
    assert ru_date(dt.date(2022, 5, 1)) == "1 мая 2022 г."
    assert ru_date(dt.datetime(2021, 10, 22, 15, 30)) == "22 октября 2021 г."  # outside the app: as given
    assert ru_date("2021-10-22") == "22 октября 2021 г."  # approved protocols keep ISO strings
    assert ru_date(dt.date(2021, 3, 1), "LLLL y") == "март 2021"
    assert ru_date("«__» ______ 2021 г.") == "«__» ______ 2021 г."  # a template's blank stays as written
    assert short_date(dt.date(2021, 12, 1)) == short_date("2021-12-01") == "01.12.2021"
    assert date_range(dt.date(2021, 9, 1), dt.date(2022, 8, 31)) == "01.09.2021 – 31.08.2022"
    assert date_range(dt.date(2021, 9, 1), dt.date(2021, 9, 1)) == date_range(dt.date(2021, 9, 1), None) == "01.09.2021"
    for empty in (None, ""):
        assert ru_date(empty) == short_date(empty) == local_datetime(empty) == ""


def test_moments_read_on_the_clusters_clock(app):
    moment = dt.datetime(2021, 10, 21, 20, 30, tzinfo=dt.UTC)  # 22 October, 03:30 in Tomsk
    with app.app_context():
        assert ru_date(moment) == "22 октября 2021 г."
        assert local_datetime(moment) == "22.10.2021 03:30"


@pytest.mark.parametrize("n, text", [
    (0, "0 дней"), (1, "1 день"), (2, "2 дня"), (5, "5 дней"), (11, "11 дней"), (12, "12 дней"), (14, "14 дней"),
    (21, "21 день"), (22, "22 дня"), (25, "25 дней"), (101, "101 день"), (111, "111 дней"), (112, "112 дней"),
    (365, "365 дней"), (1821, "1821 день"),
])  # fmt: skip
def test_days_read_the_russian_way(n, text):
    assert days(n) == text


def test_a_fraction_takes_the_few_form():
    assert plural(Decimal("2.5"), "балл", "балла", "баллов") == "балла"


def test_short_names():
    assert short_name("Беляев", "Евгений", "Викторович") == "Беляев Е.В."
    assert short_name("Smith", "John", "") == "Smith J."
    assert short_name("Беляев", "", "") == "Беляев"


def test_a_sentence_that_ends_with_initials_gets_no_second_full_stop():
    assert sentence("Не отправили чек-листы: Иванова М.С.") == "Не отправили чек-листы: Иванова М.С."
    assert sentence("Не отправили чек-листы: admin@cluster.local") == "Не отправили чек-листы: admin@cluster.local."


@pytest.mark.parametrize(
    ("size", "said"), [(1, "1 КБ"), (1024, "1 КБ"), (38_700, "38 КБ"), (1024 * 1024, "1,0 МБ"), (52_428_800, "50,0 МБ")]
)
def test_file_sizes_read_the_russian_way(size, said):
    assert file_size(size) == said
