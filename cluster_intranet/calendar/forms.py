from wtforms import SelectField

from ..forms import Form, options
from .services import DEADLINE_ALARM_CHOICES, EVENT_ALARM_CHOICES


def _minutes(value):
    """A select's value: "" (no reminder) or a number of minutes."""
    if value in (None, "", "None"):
        return None
    return int(value)


def _choices(pairs):
    return options(("" if value is None else str(value), label) for value, label in pairs)


class ReminderForm(Form):
    event_alarm_minutes = SelectField(
        "Заседания и мероприятия", choices=_choices(EVENT_ALARM_CHOICES), coerce=_minutes,
        validate_choice=False,  # checked below against the numbers themselves
    )  # fmt: skip
    deadline_alarm_minutes = SelectField(
        "Сроки поручений", choices=_choices(DEADLINE_ALARM_CHOICES), coerce=_minutes, validate_choice=False
    )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        ok = True
        for field, pairs in (
            (self.event_alarm_minutes, EVENT_ALARM_CHOICES),
            (self.deadline_alarm_minutes, DEADLINE_ALARM_CHOICES),
        ):
            if field.data not in {value for value, _ in pairs}:
                field.errors = [*field.errors, "Выберите вариант из списка."]
                ok = False
        return ok
