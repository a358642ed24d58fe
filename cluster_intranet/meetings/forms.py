from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from ..forms import (
    REQUIRED,
    Form,
    agenda_options,
    IdListField,
    db_int,
    id_or_none,
    optional,
    options,
    required,
    version_field,
    web_link,
)
from .models import AttendanceMode, MeetingFormat, MeetingStatus
from .services import AGENDA_FIELDS, DECISION_FIELDS, MEETING_FIELDS


def _votes(label: str):
    return IntegerField(label, validators=[Optional(), NumberRange(0, 10000, "Число от 0 до 10 000.")])


class MeetingForm(Form):
    version = version_field()
    council_id = SelectField("Совет", coerce=db_int, validators=[DataRequired("Выберите совет.")])
    # InputRequired, not DataRequired: it keeps the "not a number/date" message of a bad value.
    number = IntegerField(
        "Номер протокола", validators=[InputRequired(REQUIRED), NumberRange(1, 100000, "Номер от 1.")]
    )
    date = DateField("Дата", validators=[InputRequired("Укажите дату заседания.")])
    start_time = TimeField("Начало", validators=[Optional()])
    end_time = TimeField("Окончание", validators=[Optional()])
    city = StringField("Город", default="г. Томск", validators=required(100))
    place = StringField("Место, адрес", validators=optional(500))
    format = SelectField("Формат", choices=options(MeetingFormat.choices()))
    connection_link = web_link(
        "Ссылка для подключения", 500, "Ссылка", "Неверная ссылка. Пример: https://telemost.yandex.ru/j/123"
    )
    status = SelectField(
        "Статус", choices=options(c for c in MeetingStatus.choices() if c[0] != MeetingStatus.APPROVED)
    )
    chair_id = SelectField("Председатель", coerce=id_or_none, validators=[Optional()])
    secretary_id = SelectField("Секретарь", coerce=id_or_none, validators=[Optional()])

    FIELDS = MEETING_FIELDS

    def with_choices(self, councils: list[tuple[int, str]], people: list[tuple[int, str]]) -> "MeetingForm":
        self.council_id.choices = options(councils)
        self.chair_id.choices = options(people, empty="— не указан —")
        self.secretary_id.choices = options(people, empty="— не указан —")
        return self


class AttendeeForm(Form):
    person_id = IntegerField("Сотрудник", validators=[DataRequired("Выберите сотрудника из списка.")])
    mode = SelectField("Как участвует", choices=options(AttendanceMode.choices()))


class AttendeeEditForm(Form):
    version = version_field()
    name = StringField("Фамилия И.О.", validators=required(200))
    job_title = StringField("Должность", validators=optional(500))
    organization = StringField("Организация", validators=optional(1000))
    mode = SelectField("Как участвует", choices=options(AttendanceMode.choices()))

    FIELDS = ("name", "job_title", "organization", "mode")


class AgendaItemForm(Form):
    version = version_field()
    text = TextAreaField("Вопрос", validators=required(5000))
    speaker_id = IntegerField("Докладчик", validators=[Optional()])
    speaker_name = StringField("СЛУШАЛИ: докладчик", validators=optional(200))
    speaker_summary = TextAreaField("Кратко о докладе", validators=optional(20000))
    discussion = TextAreaField("ВЫСТУПИЛИ", validators=optional(20000))
    recurring = BooleanField("Повторять в следующих заседаниях")
    votes_for = _votes("«За»")
    votes_against = _votes("«Против»")
    votes_abstained = _votes("«Воздержались»")
    votes_unanimous = BooleanField("Единогласно")

    FIELDS = AGENDA_FIELDS


class DecisionForm(Form):
    version = version_field()
    text = TextAreaField("Решение", validators=required(10000))
    agenda_item_id = SelectField("По вопросу повестки", coerce=id_or_none, validators=[Optional()])
    responsible_ids = IdListField("Ответственные исполнители")
    deadline = DateField("Срок", validators=[Optional()])
    term = StringField("…или срок словами", validators=optional(200))
    votes_for = _votes("«За»")
    votes_against = _votes("«Против»")
    votes_abstained = _votes("«Воздержались»")
    votes_unanimous = BooleanField("Единогласно")

    FIELDS = DECISION_FIELDS

    def with_agenda(self, items) -> "DecisionForm":
        self.agenda_item_id.choices = agenda_options(items, "— без привязки к вопросу —")
        return self


class ReasonForm(Form):
    reason = TextAreaField("Причина", validators=required(2000))


class CopyForm(Form):
    date = DateField("Дата следующего заседания", validators=[InputRequired("Укажите дату.")])
