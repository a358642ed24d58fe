"""Form pieces shared by every area: messages, whitespace stripping, field helpers."""

import re

import email_validator
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, PasswordField, SelectChoice, StringField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Length, Optional, Regexp

REQUIRED = "Заполните это поле."
STALE_FORM = "Форма устарела: обновите страницу."

# Intranet mail often lives in internal zones (…@college.local): accept them.
email_validator.SPECIAL_USE_DOMAIN_NAMES[:] = [
    name for name in email_validator.SPECIAL_USE_DOMAIN_NAMES if name not in {"local", "test"}
]


def options(pairs, empty: str | None = None) -> list[SelectChoice]:
    """A select's options from (value, label) pairs, after an empty one labelled ``empty``
    («— выберите —», its value None) when given."""
    first = [SelectChoice(None, empty)] if empty is not None else []
    return first + [SelectChoice(value, label) for value, label in pairs]


def agenda_options(items, empty: str) -> list[SelectChoice]:
    """A select of a meeting's agenda items by their numbers, «1. О …» (80 characters)."""
    return options([(item.id, f"{number}. {item.text[:80]}") for number, item in enumerate(items, start=1)], empty)


def required(max_length: int):
    return [DataRequired(REQUIRED), Length(max=max_length, message=f"Не длиннее {max_length} символов.")]


def optional(max_length: int):
    return [Optional(), Length(max=max_length, message=f"Не длиннее {max_length} символов.")]


# Characters no text here may hold: NUL (PostgreSQL refuses it), the other C0 controls
# but tab and line breaks, DEL, and the non-characters U+FFFE/U+FFFF. Nobody types them:
# they come pasted from other programs, and .docx (XML) and iCalendar forbid them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


# The range of the databases' INTEGER (PostgreSQL's is 32 bits; every id and number column
# of this app is one): a larger number is no id, count or page of this app, PostgreSQL
# refuses to compare a column with it ("integer out of range") and, above 2^63, the
# drivers refuse to bind it (OverflowError).
LARGEST_INT = 2**31 - 1
TOO_LARGE = "Слишком большое число."


def db_int(value) -> int:
    """``int(value)`` within the databases' integer range, else ValueError: the ``type`` of
    every number read from a request (``request.args.get("page", type=db_int)`` gives the
    default for a huge one) and the check every form applies to its numbers."""
    number = int(value)
    if not -LARGEST_INT <= number <= LARGEST_INT:
        raise ValueError(TOO_LARGE)
    return number


def parse_id(text: str) -> int | None:
    """The id written in a request's text (ASCII digits within the range), else None: for
    values read without a form (``"²".isdigit()`` is true, but ``int("²")`` fails)."""
    if text.isascii() and text.isdigit():
        number = int(text)
        if number <= LARGEST_INT:
            return number
    return None


def strip_controls(text: str) -> str:
    """``text`` without the control characters no text here may hold, nor outer white space."""
    return _CONTROL.sub("", text).strip()


def _clean(value):
    """Every form field's first filter: text without control characters and outer white
    space; numbers (and lists of them: pickers) within the databases' range."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return db_int(value)
    if isinstance(value, list):
        for item in value:
            if isinstance(item, int) and not isinstance(item, bool):
                db_int(item)
    return value


# Line breaks (with the white space around them): CR, LF and the Unicode ones str.splitlines
# knows. An <input> never holds one (the browser drops them from what is typed or pasted),
# but a request may: a title, name or place must not break a line of a list, a document or
# a calendar.
_LINE_BREAKS = re.compile(r"\s*[\r\n\x85\u2028\u2029]+\s*")


def one_line(value):
    """A single-line field's text with each line break (and the spaces around it) made one
    space, as a browser's <input> would keep it."""
    return _LINE_BREAKS.sub(" ", value) if isinstance(value, str) else value


def _single_line(field_class) -> bool:
    """A field typed in one <input> line: text, but not a textarea, a hidden value or a password."""
    return issubclass(field_class, StringField) and not issubclass(
        field_class, (TextAreaField, HiddenField, PasswordField)
    )


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def _with_scheme(value):
    """«tpu.ru» as typed means https://tpu.ru."""
    return f"https://{value}" if value and not _SCHEME.match(value) else value


def web_link(label: str, max_length: int, what: str, invalid: str) -> URLField:
    """An optional link to a web page: http(s) only (never ``javascript:`` and the like);
    typed without a scheme it gets https://. ``what`` names it, ``invalid`` refuses a bad one."""
    return URLField(label, filters=[_with_scheme], validators=[
        *optional(max_length),
        Regexp(r"^https?://", re.IGNORECASE, f"{what} начинается с http:// или https://."),
        URL(message=invalid),
    ])  # fmt: skip


def id_or_none(value):
    """A select's coerce for an optional id: the empty choice gives None."""
    return db_int(value) if value not in (None, "", "None") else None


def version_field() -> HiddenField:
    """The row version the form was built from: a save based on an older one is refused
    (concurrency.ensure_current), so two people editing one row do not overwrite each other."""
    return HiddenField(filters=[lambda v: db_int(v) if v not in (None, "") and str(v).isdigit() else None])


class IdListField(Field):
    """Several ids sent under one name (hidden inputs added by a picker), in order."""

    def _value(self):
        return ""

    def process_formdata(self, valuelist):
        try:
            self.data = [db_int(value) for value in valuelist if str(value).strip()]
        except ValueError as error:
            self.data = []
            raise ValueError("Неверный выбор.") from error

    def process_data(self, value):
        self.data = list(value or [])


class Form(FlaskForm):
    """Base form: Russian messages of WTForms, white space and control characters stripped
    from text, line breaks of single-line fields made spaces (``one_line``)."""

    class Meta:
        locales = ["ru_RU", "ru"]

        def bind_field(self, form, unbound_field, options):
            # The unbound field is shared by every form built from the class: add the
            # filter to this binding only, never to its kwargs.
            first = [_clean, one_line] if _single_line(unbound_field.field_class) else [_clean]
            filters = [*first, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, filters=filters, **options)

    def validate(self, extra_validators=None) -> bool:
        # A number out of range is refused by _clean, but the field keeps it: no validator
        # (nor a lookup by id) may see it.
        for field in self:
            if TOO_LARGE in field.process_errors:
                field.data = [] if isinstance(field.data, list) else None
        return super().validate(extra_validators)

    def keyed(self, key: str):
        """Ids of its own for each field («agenda-new-text»): several forms of one page
        (an add form, rows edited in place) have fields of one name, and a label must
        focus its own field. The names sent stay the fields' names."""
        for field in self:
            field.id = field.label.field_id = f"{key}-{field.short_name}"
        return self

    def data_for(self, *names: str) -> dict:
        """The named fields' data for a service; an empty text field gives ''."""
        result = {}
        for name in names:
            field = getattr(self, name)
            value = field.data
            result[name] = "" if value is None and isinstance(field, StringField) else value
        return result

    def error_text(self) -> str:
        """All errors in one line, for a message that has no field to sit next to."""
        return " ".join(error for errors in self.errors.values() for error in errors)
