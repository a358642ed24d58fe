"""Form pieces shared by every area: messages, whitespace stripping, field helpers."""
import email_validator
from flask_wtf import FlaskForm
from wtforms import Field, StringField
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


def _strip(value):
    return value.strip() if isinstance(value, str) else value


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
    """Base form: Russian messages of WTForms, white space stripped from text."""

    class Meta:
        locales = ["ru_RU", "ru"]

        def bind_field(self, form, unbound_field, options):
            filters = list(unbound_field.kwargs.get("filters", ()))
            unbound_field.kwargs["filters"] = [_strip, *filters]
            return unbound_field.bind(form=form, **options)

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
