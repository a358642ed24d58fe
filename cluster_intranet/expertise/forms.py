from wtforms import BooleanField, DateField, FloatField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, Regexp, ValidationError

from ..forms import REQUIRED, Form, id_or_none, optional, options, required
from .models import Scale, StudyForm, Verdict


class DecimalCommaField(FloatField):
    """A number typed the Russian way: «1,5» as well as «1.5»."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:g}".replace(".", ",")

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [valuelist[0].replace(",", ".").strip()]
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("Введите число, например 1 или 1,5.") from None


class ProgrammeForm(Form):
    code = StringField(
        "Код специальности",
        validators=[
            *required(8),
            Regexp(r"^\d{2}\.\d{2}\.\d{2}$", message="Код — шесть цифр через точки, например 15.02.08."),
        ],
    )
    name = StringField("Наименование специальности", validators=required(300))
    qualification = StringField("Квалификация", validators=required(300))
    college_id = SelectField(
        "Колледж, техникум", coerce=id_or_none, validators=[DataRequired("Выберите колледж или техникум.")]
    )
    study_form = SelectField("Форма обучения", choices=options(StudyForm.choices()))
    intake_year = IntegerField(
        "Год набора",
        validators=[InputRequired(REQUIRED), NumberRange(2000, 2100, "Год набора — от 2000 до 2100.")],
    )

    FIELDS = ("code", "name", "qualification", "college_id", "study_form", "intake_year")


class TitleForm(Form):
    title = StringField("Название чек-листа", validators=required(300))


class SectionForm(Form):
    title = StringField("Раздел", validators=required(500))


class CriterionForm(Form):
    wording = TextAreaField("Формулировка критерия", validators=required(2000))
    hint = TextAreaField("Пояснение для эксперта", validators=optional(2000))
    scale = SelectField("Шкала", choices=options(Scale.choices()))
    max_points = IntegerField("N (для шкалы 0–N)", validators=[Optional()])
    weight = DecimalCommaField("Вес", default=1.0, validators=[InputRequired("Укажите вес критерия.")])
    required = BooleanField("Обязательный", default=True)

    FIELDS = ("wording", "hint", "scale", "max_points", "weight", "required")


class PublishForm(Form):
    protocol_ref = StringField("Протокол Экспертного совета, утвердивший версию", validators=required(300))


class SessionForm(Form):
    programme_id = SelectField(
        "Образовательная программа", coerce=id_or_none, validators=[DataRequired("Выберите программу.")]
    )
    checklist_version_id = SelectField("Чек-лист", coerce=id_or_none, validators=[DataRequired("Выберите чек-лист.")])
    held_on = DateField("Дата заседания", validators=[InputRequired("Укажите дату сессии.")])
    deadline = DateField("Срок для экспертов", validators=[Optional()],
                         description="До этого дня эксперты отправляют чек-листы")  # fmt: skip
    place = StringField("Место проведения", validators=optional(500))

    FIELDS = ("programme_id", "checklist_version_id", "held_on", "deadline", "place")

    def validate_deadline(self, field):
        if field.data and self.held_on.data and field.data > self.held_on.data:
            raise ValidationError("Срок для экспертов — не позже даты заседания.")


class ExpertForm(Form):
    person_id = SelectField("Эксперт", coerce=id_or_none, validators=[DataRequired("Выберите эксперта из списка.")])


class AnswerForm(Form):
    # The value is checked against the criterion's scale by the service.
    value = StringField("Оценка")
    comment = TextAreaField("Комментарий", validators=optional(2000))


class SubmitForm(Form):
    verdict = SelectField(
        "Итоговая рекомендация",
        choices=options([("", "— выберите —"), *Verdict.choices()]),
        validate_choice=False,  # the service names a missing verdict together with the other gaps
    )
    remarks = TextAreaField("Замечания и предложения эксперта", validators=optional(5000))


class ReopenForm(Form):
    reason = TextAreaField("Причина возврата", validators=required(1000))


class ConclusionForm(Form):
    verdict = SelectField("Заключение", choices=options(Verdict.choices()))
    text = TextAreaField("Текст заключения (замечания и рекомендации)", validators=optional(5000))
