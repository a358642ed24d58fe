"""Form pieces shared by every area: messages, whitespace stripping, field helpers."""
import re

import email_validator
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional

REQUIRED = "Заполните это поле."

# Intranet mail often lives in internal zones (…@college.local): accept them.
email_validator.SPECIAL_USE_DOMAIN_NAMES[:] = [
    name for name in email_validator.SPECIAL_USE_DOMAIN_NAMES if name not in {"local", "test"}
]


def required(max_length: int):
    return [DataRequired(REQUIRED), Length(max=max_length, message=f"Не длиннее {max_length} символов.")]


def optional(max_length: int):
    return [Optional(), Length(max=max_length, message=f"Не длиннее {max_length} символов.")]


# Characters no text here may hold: NUL (PostgreSQL refuses it), the other C0 controls
# but tab and line breaks, DEL, and the non-characters U+FFFE/U+FFFF. Nobody types them:
# they come pasted from other programs, and .docx (XML) and iCalendar forbid them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _strip(value):
    return _CONTROL.sub("", value).strip() if isinstance(value, str) else value


def id_or_none(value):
    """A select's coerce for an optional id: the empty choice gives None."""
    return int(value) if value not in (None, "", "None") else None


def version_field() -> HiddenField:
    """The row version the form was built from: a save based on an older one is refused
    (concurrency.ensure_current), so two people editing one row do not overwrite each other."""
    return HiddenField(filters=[lambda v: int(v) if v not in (None, "") and str(v).isdigit() else None])


class IdListField(Field):
    """Several ids sent under one name (hidden inputs added by a picker), in order."""

    def _value(self):
        return ""

    def process_formdata(self, valuelist):
        try:
            self.data = [int(value) for value in valuelist if str(value).strip()]
        except ValueError as error:
            self.data = []
            raise ValueError("Неверный выбор.") from error

    def process_data(self, value):
        self.data = list(value or [])


class Form(FlaskForm):
    """Base form: Russian messages of WTForms, white space and control characters stripped from text."""

    class Meta:
        locales = ["ru_RU", "ru"]

        def bind_field(self, form, unbound_field, options):
            # The unbound field is shared by every form built from the class: add the
            # filter to this binding only, never to its kwargs.
            filters = [_strip, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, filters=filters, **options)

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
