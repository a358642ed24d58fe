from flask_wtf.file import FileField
from wtforms import SelectField, StringField

from ..forms import Form, agenda_options, id_or_none, optional


class MaterialForm(Form):
    """A new material: the file, its title (the file's name when empty), its agenda item."""

    file = FileField("Файлы")
    title = StringField("Название", validators=optional(500))
    agenda_item_id = SelectField("К вопросу повестки", coerce=id_or_none)

    def with_agenda(self, agenda_items) -> "MaterialForm":
        self.agenda_item_id.choices = agenda_options(agenda_items, "Ко всему заседанию")
        return self


class EditMaterialForm(Form):
    title = StringField("Название", validators=optional(500))
    agenda_item_id = SelectField("К вопросу повестки", coerce=id_or_none)
    with_agenda = MaterialForm.with_agenda


class VersionForm(Form):
    file = FileField("Новая версия файла")
