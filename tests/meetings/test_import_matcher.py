"""The parsed protocol against the directory: exact, by surname and initials, or new."""

from __future__ import annotations

from pathlib import Path

from cluster_intranet.directory.models import Organization, Person
from cluster_intranet.extensions import db
from cluster_intranet.meetings.importing import matcher
from cluster_intranet.meetings.importing.parser import parse_text

FULL_TEXT = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "protocol-2021-11-17-expert-council.txt"


def test_seed_protocol_matches_the_demo_directory(demo, seed_text):
    parsed = parse_text(seed_text)
    found = matcher.match(parsed)
    assert found.council_id == demo.council_id
    by_id = {a.person_id: a.name for a in demo.attendances}
    for attendee in parsed.attendees:
        person = found.person(attendee.name)
        assert person.kind == matcher.EXACT, attendee.name
        assert by_id[person.person_id] == attendee.name  # «Матвеев Д..М.» is the demo's Матвеев
    assert found.person("Пояркова О.Н.").kind == matcher.EXACT
    assert found.person("Жарких Е.В.").person_id == demo.secretary_id
    assert all(m.kind in (matcher.EXACT, "similar") for m in found.organizations.values())


def test_new_people_and_organisations_are_proposed(demo_before_the_second_protocol):
    parsed = parse_text(FULL_TEXT.read_text(encoding="utf-8"))
    found = matcher.match(parsed)
    guest = found.person("Мельникова-Гросс Ю.А.")
    assert (guest.kind, guest.person_id) == (matcher.NEW, None)
    assert (guest.surname, guest.first_name, guest.patronymic, guest.position) == (
        "Мельникова-Гросс",
        "Ю.",
        "А.",
        "методист",
    )
    new_org = found.organizations[matcher.fold("ОГБУ «Региональный центр развития профессионального образования»")]
    assert new_org.kind == matcher.NEW
    # «консультант Департамента промышленности …»: the directory's genitive of «Департамент промышленности …».
    department = found.organizations[
        matcher.fold("Департамента промышленности и энергетики Администрации Томской области")
    ]
    assert department.kind == matcher.EXACT and department.label.startswith("Департамент промышленности")
    assert found.person("Соколов А.В.").kind == matcher.EXACT  # Андрей Викторович in the directory


def test_namesakes_are_told_apart_by_organisation_or_flagged(demo):
    other_org = Organization(short_name="ООО «Другая»", full_name="")
    db.session.add_all(
        [other_org, Person(surname="Королёва", first_name="О.", patronymic="М.", organization=other_org)]
    )
    db.session.commit()
    found = matcher.match(
        parse_text(
            "Присутствовали:\n1. Королева О.М., консультант Департамента промышленности и "
            "энергетики Администрации Томской области;\n2. Королева О.М."
        )
    )
    person = found.person("Королева О.М.")
    assert person.kind == matcher.EXACT and len(person.candidates) == 2  # «ё» or not, both are candidates
    assert "Департамент" in person.label
    alone = matcher.match(parse_text("Присутствовали:\n1. Королева О.М., консультант ООО «Третья»."))
    assert alone.person("Королева О.М.").kind == matcher.INITIALS


def test_organisations_are_found_by_their_stored_genitive(app, ctx):
    """«Дома» is not «Дом» cut to five letters: only the genitive the directory keeps finds it."""
    house = Organization(short_name="Дом учёных ТНЦ СО РАН", full_name="", name_genitive="Дома учёных ТНЦ СО РАН")
    elkin = Person(surname="Ёлкин", first_name="Андрей", patronymic="Борисович", organization=house)
    db.session.add_all([house, elkin])
    db.session.commit()
    found = matcher.match(parse_text("Присутствовали:\n1. Елкин А.Б., научный сотрудник Дома ученых ТНЦ СО РАН."))
    organization = found.organizations[matcher.fold("Дома ученых ТНЦ СО РАН")]
    assert (organization.kind, organization.organization_id) == (matcher.EXACT, house.id)
    person = found.person("Елкин А.Б.")  # «ё» written as «е»
    assert (person.kind, person.person_id) == (matcher.EXACT, elkin.id)


def test_people_are_read_as_ranges_of_the_sort_name(app, ctx, count_queries):
    """One statement, ranges of people.sort_name (the name index): each surname with its
    first initial, «ё» as «е»; longer surnames and other first initials are no candidates."""
    db.session.add_all(
        [
            Person(surname="Королёва", first_name="Ольга", patronymic="Михайловна", position="консультант"),
            Person(surname="Королева", first_name="Оксана", patronymic="Николаевна"),
            Person(surname="Королева", first_name="Анна", patronymic="Михайловна"),
            Person(surname="Королевская", first_name="Ольга", patronymic="Михайловна"),
            Person(surname="Пояркова", first_name="О.", patronymic="Н."),
        ]
    )
    db.session.commit()
    mentions = [("Королева О.М.", "", ""), ("Пояркова О.Н.", "", ""), ("Королевская О.М.", "", "")]
    with count_queries() as counted:
        found = matcher.match_people(mentions, {})
    assert counted.count == 1 and "sort_name >=" in counted.statements[0] and "surname IN" not in counted.statements[0]
    olga = found[matcher.names.key("Королева О.М.")]
    assert (olga.kind, olga.label) == (matcher.EXACT, "Королёва О.М., консультант")  # Оксана Николаевна is not О.М.
    assert [label for _, label in olga.candidates] == ["Королёва О.М., консультант"]
    assert found[matcher.names.key("Пояркова О.Н.")].kind == matcher.EXACT  # kept with initials only
    assert [label for _, label in found[matcher.names.key("Королевская О.М.")].candidates] == ["Королевская О.М."]
