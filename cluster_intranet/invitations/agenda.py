"""The agenda of a meeting as a .docx, attached to its invitations: when and where,
the items with their speakers, the materials."""

from __future__ import annotations

import io

from ..documents.contexts import settlement
from ..documents.docx_builder import CENTER, LEFT, centered, heading, new_document, para
from ..text import ru_date
from ..meetings.models import Meeting


def agenda_docx(meeting: Meeting, materials: list, material_link) -> bytes:
    """``materials``: the meeting's, in order; ``material_link(material)``: its absolute URL."""
    council = meeting.council
    doc = new_document(f"Повестка заседания {council.name_genitive or council.name}")
    centered(doc, "ПОВЕСТКА", bold=True)
    centered(doc, f"заседания {council.name_genitive or council.name}")
    when = ru_date(meeting.date)
    if meeting.start_time:
        when += f", {meeting.start_time:%H:%M}" + (f"–{meeting.end_time:%H:%M}" if meeting.end_time else "")
    para(doc, f"Дата и время: {when}", indent=False, align=LEFT)
    place = ", ".join(p for p in (settlement(meeting.city), meeting.place) if p)
    if place:
        para(doc, f"Место проведения: {place}", indent=False, align=LEFT)
    para(doc, f"Формат: {meeting.format_enum.label}", indent=False, align=LEFT)
    if meeting.connection_link:
        para(doc, f"Подключение: {meeting.connection_link}", indent=False, align=LEFT)
    if meeting.agenda_items:
        heading(doc, "Вопросы повестки:", align=CENTER, indent=False)
        for number, item in enumerate(meeting.agenda_items, start=1):
            para(doc, f"{number}. {item.text}")
            if item.speaker_name:
                para(doc, f"Докладчик: {item.speaker_name}", indent=True)
            # Flush left: a justified line ending in a long link stretched its words apart.
            for material in (m for m in materials if m.agenda_item_id == item.id):
                para(doc, f"Материал: {material.title} — {material_link(material)}", indent=True, align=LEFT)
    general = [m for m in materials if m.agenda_item_id is None]
    if general:
        heading(doc, "Материалы заседания:", indent=False)
        for material in general:
            para(doc, f"{material.title} — {material_link(material)}", indent=False, align=LEFT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
