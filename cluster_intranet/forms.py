"""Form pieces shared by every area: messages, whitespace stripping, field helpers."""
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

REQUIRED = "Заполните это поле."


def required(max_length: int):
    return [DataRequired(REQUIRED), Length(max=max_length, message=f"Не длиннее {max_length} символов.")]


def optional(max_length: int):
    return [Optional(), Length(max=max_length, message=f"Не длиннее {max_length} символов.")]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class Form(FlaskForm):
    """Base form: strips surrounding white space from every text field."""

    class Meta:
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
