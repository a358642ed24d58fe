from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField
from wtforms.validators import InputRequired, ValidationError

from ..forms import Form, db_int, options


class ReportForm(Form):
    """The period of a report. Sent by GET (it changes nothing): no CSRF token."""

    class Meta:
        csrf = False

    council = SelectField("Совет", coerce=db_int)
    start = DateField("С", validators=[InputRequired("Укажите начало периода.")])
    end = DateField("По", validators=[InputRequired("Укажите конец периода.")])

    def with_councils(self, councils: list[tuple[int, str]]) -> "ReportForm":
        self.council.choices = options([(0, "Все советы"), *councils])
        return self

    def validate_end(self, field):
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError("Конец периода раньше начала.")


class UploadForm(Form):
    file = FileField("Шаблон (.docx, до 10 МБ)", validators=[FileRequired("Выберите файл шаблона.")])
