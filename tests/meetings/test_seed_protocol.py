"""The seed protocol fits the model: checked item by item against the seed file."""

import re

from cluster_intranet.meetings.models import AttendanceMode
from cluster_intranet.meetings.services import protocol_data


def _numbered_after(text: str, heading: str) -> list[str]:
    """The numbered lines of the section that starts at ``heading``."""
    section = text.split(heading, 1)[1]
    lines = []
    for line in section.splitlines():
        match = re.match(r"^(\d+)\. (.*)$", line.strip())
        if match:
            lines.append(match.group(2))
        elif lines and line.strip() and not line.startswith("Ответственный"):
            break
    return lines


def test_attendees_as_written(demo, seed_text):
    data = protocol_data(demo)
    for mode, heading in (
        (AttendanceMode.IN_PERSON, "Присутствовали очно:"),
        (AttendanceMode.ONLINE, "Онлайн подключение:"),
    ):
        expected = _numbered_after(seed_text, heading)
        rows = [a for a in demo.attendances if a.mode == mode]
        written = [f"{a.name}, {a.job_title} {a.organization}" for a in rows]
        assert [line.rstrip(";.") for line in expected] == written
    assert len(data["attendees_in_person"]) == 7 and len(data["attendees_online"]) == 4
    assert "Матвеев Д..М." in [a.name for a in demo.attendances]


def test_agenda_and_decisions_as_written(demo, seed_text):
    assert [item.text for item in demo.agenda_items] == _numbered_after(seed_text, "Обсуждаемые вопросы:")
    decisions = _numbered_after(seed_text, "По результатам заседания были приняты решения:")
    assert [d.text for d in demo.decisions] == decisions
    assert [d.number for d in demo.decisions] == [1, 2, 3]
    printed = protocol_data(demo)["decisions"]
    lines = [
        (d["responsible"][0]["name"] if d["responsible"] else None, d["deadline"] and f"{d['deadline']:%d.%m.%Y}")
        for d in printed
    ]
    assert lines == [("Пояркова О.Н.", "01.12.2021"), (None, None), ("Кузнецова Н.В.", "01.12.2021")]
    for name, deadline in (lines[0], lines[2]):
        assert f"Ответственный исполнитель – {name}, срок до {deadline}." in seed_text


def test_header_and_signature(demo, seed_text):
    data = protocol_data(demo)
    assert f"ПРОТОКОЛ № {data['meeting']['number']}" in seed_text
    assert data["meeting"]["council"]["name_genitive"] in seed_text
    assert data["secretary"]["position"] in seed_text and data["secretary"]["short_name_reversed"] == "Е.В. Жарких"
    assert seed_text.strip().endswith(data["secretary"]["short_name_reversed"])
    assert demo.city in seed_text
