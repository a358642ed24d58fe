from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.i18n import get_translations
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import REQUIRED, Form, id_or_none, optional, options, required, version_field
from .models import PUBLICATION_CHANNEL_LABELS, Channel, EventFormat, EventStatus

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]  # the date picker's, and typed by hand


class _Russian:
    """WTForms' own messages (bad date, unknown choice) in Russian."""

    OWN = {
        "Not a valid date value.": "Введите дату в виде ДД.ММ.ГГГГ.",
        "Not a valid time value.": "Введите время в виде ЧЧ:ММ.",
        "Not a valid choice.": "Выберите значение из списка.",
        "Invalid Choice: could not coerce.": "Выберите значение из списка.",
        "Invalid choice(s): one or more data inputs could not be coerced.": "Выберите значения из списка.",
        "'%(value)s' is not a valid choice for this field.": "Значения «%(value)s» нет в списке.",
        "'%(value)s' are not valid choices for this field.": "Значений «%(value)s» нет в списке.",
    }

    def __init__(self):
        self.base = get_translations(["ru"])

    def gettext(self, string):
        return self.OWN.get(string) or self.base.gettext(string)

    def ngettext(self, singular, plural, n):
        return self.OWN.get(singular if n == 1 else plural) or self.base.ngettext(singular, plural, n)


RUSSIAN = _Russian()


class MediaForm(Form):
    class Meta:
        def get_translations(self, form):
            return RUSSIAN


def person_id_field(label: str):
    """A person's id, chosen with the picker (directory/_person_picker.html's field_picker renders it;
    not a HiddenInput widget, or hidden_tag() would render a second copy)."""
    return IntegerField(label, validators=[Optional()])


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PlanForm(MediaForm):
    version = version_field()
    title = StringField("Название", validators=required(300))
    period_start = DateField("Начало периода", format=DATE_FORMATS, validators=[InputRequired(REQUIRED)])
    period_end = DateField("Конец периода", format=DATE_FORMATS, validators=[InputRequired(REQUIRED)])
    responsible_id = person_id_field("Ответственный")

    FIELDS = ("title", "period_start", "period_end", "responsible_id")


class EventDatesForm(MediaForm):
    """When an event is: its own form and the postponement's ask it alike."""

    starts_on = DateField("Дата начала", format=DATE_FORMATS, validators=[InputRequired(REQUIRED)])
    ends_on = DateField("Дата окончания", format=DATE_FORMATS, validators=[Optional()],
                        description="Для мероприятия на несколько дней")  # fmt: skip
    start_time = TimeField("Начало", validators=[Optional()], description="Пусто — на весь день")
    end_time = TimeField("Окончание", validators=[Optional()])

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("Дата окончания раньше даты начала.")

    def validate_end_time(self, field):
        if field.data and not self.start_time.data:
            raise ValidationError("Укажите и время начала.")
        one_day = not self.ends_on.data or self.ends_on.data == self.starts_on.data
        if field.data and self.start_time.data and one_day and field.data <= self.start_time.data:
            raise ValidationError("Окончание должно быть позже начала.")


class EventForm(EventDatesForm):
    version = version_field()
    title = StringField("Название", validators=required(500))
    format = SelectField("Формат", choices=options(EventFormat.choices()))
    place = StringField("Место", validators=optional(500))
    organizer_id = SelectField("Организатор", coerce=id_or_none, validators=[Optional()])
    responsible_id = person_id_field("Ответственный")
    channels = CheckboxesField("Каналы", choices=options(Channel.choices()))
    is_public = BooleanField("Публичное: анонсировать в открытых лентах для сайтов участников", default=True)
    description = TextAreaField("Описание (видно в открытых лентах)", validators=optional(5000))
    release_text = TextAreaField("Текст пресс-релиза (единый для всех участников)", validators=optional(20000))
    internal_note = TextAreaField("Служебная заметка (только в интранете)", validators=optional(5000))

    FIELDS = (
        "title", "format", "starts_on", "ends_on", "start_time", "end_time", "place", "organizer_id",
        "responsible_id", "is_public", "description", "release_text", "internal_note",
    )  # fmt: skip

    def with_organizations(self, organizations: list[tuple[int, str]]) -> "EventForm":
        self.organizer_id.choices = options(organizations, empty="— не указан —")
        return self


class StatusForm(MediaForm):
    status = SelectField("Статус", choices=options(EventStatus.choices()))
    reason = StringField("Причина", validators=optional(1000))


class PostponeForm(EventDatesForm):
    """«Перенести»: the new date and why; the history keeps the old one."""

    reason = StringField("Причина переноса", validators=required(1000))

    FIELDS = ("starts_on", "ends_on", "start_time", "end_time", "reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.starts_on.label.text = "Новая дата"
        self.ends_on.description = "Только для мероприятия на несколько дней; пусто — длительность прежняя"


class PublicationForm(MediaForm):
    organization_id = SelectField("Участник", coerce=id_or_none, validators=[DataRequired("Выберите участника.")])
    channel = SelectField("Канал", choices=options((k.value, label) for k, label in PUBLICATION_CHANNEL_LABELS.items()),
                          default=Channel.WEBSITES.value)  # fmt: skip
    url = StringField("Адрес публикации", validators=optional(1000))
    published_on = DateField("Дата публикации", format=DATE_FORMATS, validators=[InputRequired(REQUIRED)])

    def with_organizations(self, organizations: list[tuple[int, str]]) -> "PublicationForm":
        self.organization_id.choices = options(organizations, empty=None if len(organizations) == 1 else "— выберите —")
        return self

    def validate_url(self, field):
        if field.data and not field.data.startswith(("http://", "https://")):
            raise ValidationError("Адрес должен начинаться с http:// или https://.")
