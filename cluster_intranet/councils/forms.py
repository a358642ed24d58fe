from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, NumberRange

from ..forms import Form, REQUIRED, required
from .models import MemberRole

PROTOCOL_FORMS = [("short", "Краткая (как протокол № 2 от 22.10.2021)"), ("full", "Полная (ГОСТ Р 7.0.97-2016)")]


class CouncilForm(Form):
    name = StringField("Название", validators=required(300))
    name_genitive = StringField("Название в родительном падеже («заседания …»)", validators=required(300))
    short_genitive = StringField("Краткое название в родительном падеже («Секретарь …»)", validators=required(300))
    quorum_percent = IntegerField(
        "Кворум: присутствует больше, %",
        default=50,
        validators=[DataRequired(REQUIRED), NumberRange(1, 99, "Введите число от 1 до 99.")],
    )
    protocol_form = SelectField("Форма протокола по умолчанию", choices=PROTOCOL_FORMS)

    FIELDS = ("name", "name_genitive", "short_genitive", "quorum_percent", "protocol_form")


class MemberForm(Form):
    person_id = IntegerField("Сотрудник", validators=[DataRequired("Выберите сотрудника из списка.")])
    role = SelectField("Роль в совете", choices=MemberRole.choices())
