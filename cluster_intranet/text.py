"""Russian text of dates, counts and names, one way for the pages, the feeds, the
documents and the e-mails: «22 октября 2021 г.», «01.12.2021», «3 дня», «Беляев Е.В.».

Dates and plural forms come from Babel's CLDR data. Babel is slow per call (~0.1 ms a
date) and a feed formats thousands, so results are kept per value (a few thousand
distinct dates and counts at most).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from flask import has_app_context

from . import clock

RU = Locale("ru")
LONG_DATE = "d MMMM y 'г.'"  # «22 октября 2021 г.»


def _as_day(value):
    """A date kept as an ISO string (approved protocol snapshots, audit values) reads back
    as a date; a moment is taken on the cluster's clock when the app is there (a document
    rendered in a worker process has no app and reads the moment as given)."""
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime) and has_app_context():
        return value.astimezone(clock.local_zone())
    return value


@lru_cache(maxsize=8192)
def _formatted(value: date, pattern: str) -> str:
    return format_date(value, pattern, locale=RU)


def ru_date(value, pattern: str = LONG_DATE) -> str:
    """«22 октября 2021 г.» (or another Babel pattern: «LLLL y», «d MMMM, EEEE»); empty for
    no date, and anything that is not a date as it is."""
    value = _as_day(value)
    if not value:
        return ""
    if not isinstance(value, date):
        return str(value)
    if isinstance(value, datetime):
        value = value.date()
    return _formatted(value, pattern)


def short_date(value) -> str:
    """«01.12.2021», as protocols write deadlines."""
    value = _as_day(value)
    if not value:
        return ""
    if not isinstance(value, date):
        return str(value)
    return value.strftime("%d.%m.%Y")


def date_range(first: date, last: date | None) -> str:
    """«01.09.2021 – 31.08.2022»; one day when ``last`` is not after ``first``."""
    if last and last > first:
        return f"{short_date(first)} – {short_date(last)}"
    return short_date(first)


def local_datetime(value: datetime | None) -> str:
    """«22.10.2021 14:00» on the cluster's clock."""
    if not value:
        return ""
    return _as_day(value).strftime("%d.%m.%Y %H:%M")


@lru_cache(maxsize=4096)
def plural_form(number) -> str:
    """Russian plural category of a number: «one» (1, 21), «few» (2–4, 22), «many» (5–20,
    0), «other» (a fraction)."""
    return RU.plural_form(number)


def plural(number, one: str, few: str, many: str) -> str:
    """The word for a count by Russian plural rules: (1) «день», (3) «дня», (11) «дней»;
    a fraction takes «few» («2,5 балла»)."""
    form = plural_form(number)
    return {"one": one, "few": few, "other": few}.get(form, many)


def days(n: int) -> str:
    """«1 день», «3 дня», «11 дней»."""
    return f"{n} {plural(n, 'день', 'дня', 'дней')}"


def file_size(size: int) -> str:
    """«38 КБ», «1,5 МБ»: a file's size as the pages show it (a decimal comma, kilobytes rounded up)."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " МБ"
    return f"{(size + 1023) // 1024} КБ"


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word, with «…» (a title, a log line)."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.—-")
    return (cut or text[:limit]) + "…"


def sentence(text: str) -> str:
    """``text`` ended with a full stop, unless it ends with one already: a sentence that ends
    with initials («…: Иванова М.С.») takes no second one."""
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def short_name(surname: str, first_name: str, patronymic: str) -> str:
    """«Беляев Е.В.»: surname and initials, as protocols write names."""
    initials = "".join(f"{part[0]}." for part in (first_name, patronymic) if part)
    return f"{surname} {initials}".strip()


def initials_first(short_name: str, surname: str | None = None) -> str:
    """«Е.В. Жарких» of «Жарких Е.В.»: initials first, as signature lines write names;
    ``surname``, when known, keeps a surname of several words whole."""
    if surname is None:
        surname = short_name.partition(" ")[0]
    initials = short_name.removeprefix(surname).strip()
    return f"{initials} {surname}".strip()
