from wtforms import EmailField, SelectField, StringField
from wtforms.validators import Email, Optional

from ..forms import Form, id_or_none, optional, options, required, version_field, web_link
from .models import OrganizationKind


class OrganizationForm(Form):
    short_name = StringField("Краткое наименование", validators=required(300))
    name_genitive = StringField("Краткое наименование в родительном падеже («консультант …»)", validators=optional(300))
    full_name = StringField("Полное наименование", validators=optional(1000))
    kind = SelectField("Вид", choices=options(OrganizationKind.choices()))
    version = version_field()
    website = web_link("Официальный сайт", 500, "Адрес сайта", "Неверный адрес сайта. Пример: https://tpu.ru")
    city = StringField("Город", validators=optional(100))

    FIELDS = ("short_name", "name_genitive", "full_name", "kind", "website", "city")


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
        self.organization_id.choices = options(choices, empty="— не указана —")
        return self


class NewPersonForm(Form):
    """A person created from a picker, without leaving the page: the name as the protocol
    needs it, the organisation picked or created with the person, the position."""

    surname = StringField("Фамилия", validators=required(100))
    first_name = StringField("Имя или инициал", validators=required(100))
    patronymic = StringField("Отчество или инициал", validators=optional(100))
    organization_id = SelectField("Организация", coerce=id_or_none, validators=[Optional()])
    new_organization = StringField("или новая: краткое наименование", validators=optional(300))
    new_organization_full = StringField("Полное наименование новой организации", validators=optional(1000))
    new_organization_kind = SelectField(
        "Вид новой организации", choices=options(OrganizationKind.choices()), default=OrganizationKind.COLLEGE.value
    )
    position = StringField("Должность", validators=optional(500))

    PERSON_FIELDS = ("surname", "first_name", "patronymic", "position")

    def with_organizations(self, choices: list[tuple[int, str]]) -> "NewPersonForm":
        self.organization_id.choices = options(choices, empty="— нет в списке или не указана —")
        return self

    def new_organization_data(self) -> dict | None:
        if not self.new_organization.data:
            return None
        return {
            "short_name": self.new_organization.data,
            "full_name": self.new_organization_full.data or "",
            "kind": self.new_organization_kind.data,
        }
