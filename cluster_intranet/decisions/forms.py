"""The change forms of a decision.

WTForms parses and validates what is posted (its public API only: fields, ``raw_data``,
``errors``). The pages render the forms from a light ``FormState`` (values and errors) instead: «Мои поручения» shows a form in every row,
and building a WTForms form per row would cost more than the rest of the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from wtforms import DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import HiddenInput

from ..forms import STALE_FORM, Form, optional


def _version():
    return IntegerField(widget=HiddenInput(), validators=[InputRequired(STALE_FORM)])


class StatusForm(Form):
    """A change of status; the clicked button gives ``status``. The rules (a report for
    done, a reason for cancelled) are the service's, which names the field at fault."""

    version = _version()
    status = StringField(validators=[InputRequired("Выберите действие.")])
    report_text = TextAreaField("Отчёт об исполнении", validators=optional(20000))
    report_date = DateField("Дата исполнения", validators=[Optional()])
    report_link = StringField("Ссылка на документ", validators=optional(500))
    comment = TextAreaField("Причина", validators=optional(5000))

    FIELDS = ("report_text", "report_date", "report_link", "comment")


class DeadlineForm(Form):
    version = _version()
    deadline = DateField("Новый срок", validators=[Optional()])
    reason = TextAreaField("Причина переноса", validators=optional(2000))


def status_prefix(decision_id: int) -> str:
    """Forms of several decisions share a page: their fields are told apart by prefix."""
    return f"d{decision_id}"


def deadline_prefix(decision_id: int) -> str:
    return f"m{decision_id}"


@dataclass
class FormState:
    """What a change form shows: the version it is filled in on, values, errors."""

    prefix: str
    version: int | str
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)

    def name(self, field_name: str) -> str:
        return f"{self.prefix}-{field_name}"

    def has_errors(self, *names: str) -> bool:
        return any(self.errors.get(name) for name in names)

    @classmethod
    def of(cls, form: Form, prefix: str) -> FormState:
        """The state of a posted form (made with ``prefix``): as typed, with its errors."""
        typed = {field.short_name: (field.raw_data or [""])[0] for field in form}
        return cls(
            prefix=prefix,
            version=typed.pop("version"),
            values={name: value for name, value in typed.items() if name != "csrf_token"},
            errors={name: list(errors) for name, errors in form.errors.items()},
        )


def fresh_status(decision, today: date) -> FormState:
    return FormState(
        prefix=status_prefix(decision.id),
        version=decision.version,
        values={
            "report_text": decision.report_text,
            "report_date": (decision.report_date or today).isoformat(),
            "report_link": decision.report_link,
            "comment": "",
        },
    )


def fresh_deadline(decision) -> FormState:
    return FormState(
        prefix=deadline_prefix(decision.id), version=decision.version, values={"deadline": "", "reason": ""}
    )
