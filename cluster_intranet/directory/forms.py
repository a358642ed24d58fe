import re

from wtforms import EmailField, SelectField, StringField, URLField
from wtforms.validators import URL, Email, Optional, Regexp

from ..forms import Form, id_or_none, optional, required, version_field
from .models import OrganizationKind

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def _with_scheme(value):
    """«tpu.ru» as typed means https://tpu.ru."""
    return f"https://{value}" if value and not _SCHEME.match(value) else value


class OrganizationForm(Form):
    short_name = StringField("Краткое наименование", validators=required(300))
    full_name = StringField("Полное наименование", validators=optional(1000))
    kind = SelectField("Вид", choices=OrganizationKind.choices())
    version = version_field()
    website = URLField("Официальный сайт", filters=[_with_scheme], validators=[
        *optional(500),
        Regexp(r"^https?://", re.IGNORECASE, "Адрес сайта начинается с http:// или https://."),
        URL(message="Неверный адрес сайта. Пример: https://tpu.ru"),
    ])
    city = StringField("Город", validators=optional(100))

    FIELDS = ("short_name", "full_name", "kind", "website", "city")


class PersonForm(Form):
    version = version_field()
    surname = StringField("Фамилия", validators=required(100))
    first_name = StringField("Имя", validators=required(100))
    patronymic = StringField("Отчество", validators=optional(100))
    organization_id = SelectField("Организация", coerce=id_or_none, validators=[Optional()])
    position = StringField("Должность", validators=optional(500))
    email = EmailField("Электронная почта", validators=[*optional(254), Email("Неверный адрес электронной почты.")])
    phone = StringField("Телефон", validators=optional(50))

    FIELDS = ("surname", "first_name", "patronymic", "organization_id", "position", "email", "phone")

    def with_organizations(self, choices: list[tuple[int, str]]) -> "PersonForm":
        self.organization_id.choices = [(None, "— не указана —"), *choices]
        return self
