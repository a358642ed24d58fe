from wtforms import DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import HiddenInput

from ..forms import Form, optional

STALE_FORM = "Форма устарела: обновите страницу."


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


def prefix(decision_id: int) -> str:
    """Forms of several decisions share a page: their fields are told apart by prefix."""
    return f"d{decision_id}"
