from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from ..forms import Form, REQUIRED, options, required, version_field
from .models import MemberRole

PROTOCOL_FORMS = [("short", "Краткая (как протокол № 2 от 22.10.2021)"), ("full", "Полная (ГОСТ Р 7.0.97-2016)")]
QUORUM_MIN, QUORUM_MAX = 1, 99
QUORUM_MESSAGE = f"Введите целое число от {QUORUM_MIN} до {QUORUM_MAX}."


class WholeNumberField(IntegerField):
    """An integer field that leaves unreadable input («50.5», «abc») to its range
    validator, so every bad value gets that one message rather than WTForms' own
    (which DataRequired then replaced by «Заполните это поле.»). Its validators must
    refuse ``None``: NumberRange does."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None


class CouncilForm(Form):
    version = version_field()
    name = StringField("Название", validators=required(300))
    name_genitive = StringField("Название в родительном падеже («заседания …»)", validators=required(300))
    short_genitive = StringField("Краткое название в родительном падеже («Секретарь …»)", validators=required(300))
    quorum_percent = WholeNumberField(
        "Кворум: присутствует больше, %",
        default=50,
        # InputRequired, not DataRequired: 0 is a value (out of range), not an empty field.
        validators=[InputRequired(REQUIRED), NumberRange(QUORUM_MIN, QUORUM_MAX, QUORUM_MESSAGE)],
        render_kw={"min": QUORUM_MIN, "max": QUORUM_MAX, "step": 1},
    )
    protocol_form = SelectField("Форма протокола по умолчанию", choices=options(PROTOCOL_FORMS))

    FIELDS = ("name", "name_genitive", "short_genitive", "quorum_percent", "protocol_form")


class MemberForm(Form):
    person_id = IntegerField("Сотрудник", validators=[DataRequired("Выберите сотрудника из списка.")])
    # A plain member unless the secretary chooses otherwise: the menu's first option
    # is the chair, and a member added without looking must not become one.
    role = SelectField("Роль в совете", choices=options(MemberRole.choices()), default=MemberRole.MEMBER.value)


class MemberRoleForm(Form):
    version = version_field()
    role = SelectField("Роль в совете", choices=options(MemberRole.choices()))
