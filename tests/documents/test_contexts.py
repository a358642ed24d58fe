"""The contexts built from the database: the template contract, kept in step with the demo contexts."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from cluster_intranet.auth.models import User
from cluster_intranet.decisions.models import DecisionStatus
from cluster_intranet.directory.models import Person
from cluster_intranet.documents import contexts, library, services
from cluster_intranet.documents.rendering import render_document, validate_template
from cluster_intranet.extensions import db
from cluster_intranet.meetings.protocol import protocol_data

from .conftest import add_attendee, make_meeting
from .support import docx_paragraphs, docx_text


def shape(value):
    """The keys of a context, recursively (lists by the union of their elements)."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        merged: dict = {}
        for item in value:
            if isinstance(item, dict):
                for key, sub in shape(item).items():
                    merged[key] = sub if merged.get(key) in (None, "leaf", {}) else merged[key]
        return [merged] if merged else []
    return "leaf"


def keys_of(value, prefix="") -> set[str]:
    if isinstance(value, dict):
        return {p for key, item in value.items() for p in {prefix + key} | keys_of(item, f"{prefix}{key}.")}
    if isinstance(value, list) and value:
        return keys_of(value[0], prefix + "[].")
    return set()


def fill_optional(context: dict) -> dict:
    """The seed leaves some lists empty: fill them so that their elements' keys are compared too."""
    context["chair"] = dict(context["secretary"])
    context["invited"] = context["attendees_online"][:1]
    context["agenda"][0]["speakers"] = [{"name": "Пояркова О.Н.", "summary": "доклад"}]
    context["agenda"][0]["discussion"] = [{"name": "", "summary": "обсуждение"}]
    vote = {"for": 1, "against": 0, "abstained": 0, "unanimous": False}
    for decision in (context["decisions"][0], context["agenda"][0]["decisions"][0]):  # copies in a snapshot
        decision["votes"] = decision["item_votes"] = dict(vote)
    context["agenda"][0]["votes"] = dict(vote)
    context["decisions_without_item"] = [dict(context["decisions"][0], item_votes=None)]
    context["appendices"] = [{"number": 1, "title": "Смета", "filename": "Смета.xlsx", "item_number": 1}]
    return context


def person(surname: str) -> Person:
    return db.session.scalar(select(Person).where(Person.surname == surname))


@pytest.mark.parametrize("form", ["short", "full"])
def test_protocol_context_has_exactly_the_keys_of_the_demo(demo, form):
    """Uploads are checked against the demo context: it must list every real key, and no other."""
    real = fill_optional(contexts.protocol_context(demo))
    assert keys_of(shape(real)) == keys_of(shape(contexts.DEMO_CONTEXTS[f"protocol_{form}"]()))


def test_extract_and_report_contexts_have_the_keys_of_their_demos(demo):
    admin = db.session.scalar(select(User))
    extract = fill_optional(contexts.extract_context(demo, [d.id for d in demo.decisions], admin))
    assert keys_of(shape(extract)) == keys_of(shape(contexts.demo_extract_context()))

    report = contexts.decisions_report_context(demo.council, dt.date(2021, 1, 1), dt.date(2021, 12, 31), demo.decisions)
    assert keys_of(shape(report)) == keys_of(shape(contexts.demo_decisions_report_context()))


def test_seed_protocol_context(demo):
    context = contexts.protocol_context(demo)
    assert context["meeting"]["city"] == "г. Томск"  # stored «г. Томск», printed once
    assert context["meeting"]["date"] == dt.date(2021, 10, 22)
    assert context["secretary"] == {
        "short_name": "Жарких Е.В.",
        "short_name_reversed": "Е.В. Жарких",
        "position": "Секретарь Координационного совета",
    }
    assert [p["name"] for p in context["attendees_online"]] == [
        "Кускова Е.В.",
        "Змеева Е. Е.",
        "Дрожено О.Н.",
        "Доронин Д.А.",
    ]
    assert context["attendees_total"] == 11
    assert context["attendees_as_count"] is False
    assert [d["deadline"] for d in context["decisions"]] == [dt.date(2021, 12, 1), None, dt.date(2021, 12, 1)]
    assert [len(item["decisions"]) for item in context["agenda"]] == [1, 2]


@pytest.mark.parametrize(
    "written, printed",
    [
        ("г. Томск", "г. Томск"),
        ("Томск", "г. Томск"),
        ("г.Северск", "г. Северск"),
        ("  с. Кожевниково ", "с. Кожевниково"),
        ("", ""),
    ],
)
def test_settlement(written, printed):
    assert contexts.settlement(written) == printed


def test_many_attendees_are_counted_above_the_configured_threshold(app, demo):
    assert contexts.protocol_context(demo, list_threshold=10)["attendees_as_count"] is True
    assert contexts.protocol_context(demo, list_threshold=11)["attendees_as_count"] is False
    app.config["DOCUMENTS_ATTENDEES_LIST_THRESHOLD"] = 5
    try:
        assert contexts.protocol_context(demo)["attendees_as_count"] is True
    finally:
        app.config["DOCUMENTS_ATTENDEES_LIST_THRESHOLD"] = 25


def test_snapshot_reads_back_with_real_dates(demo):
    version = demo.versions[0]
    assert version.snapshot["meeting"]["date"] == "2021-10-22"  # stored as JSON
    context = contexts.protocol_context_from_snapshot(version.snapshot)
    assert context["meeting"]["date"] == dt.date(2021, 10, 22)
    assert context["meeting"]["start_time"] == dt.time(14, 0)
    assert context["decisions"][0]["deadline"] == dt.date(2021, 12, 1)
    assert context["agenda"][0]["decisions"][0]["deadline"] == dt.date(2021, 12, 1)


def test_an_approved_protocol_reads_as_approved(demo):
    """Whatever changes later in the database, the approved protocol says what was decided
    (the demo's execution control has also moved decision 3's deadline to 28.02.2022)."""
    third = demo.decisions[2]
    assert third.deadline == dt.date(2022, 2, 28)
    third.text = "Изменённый текст."
    db.session.flush()
    live = contexts.complete_protocol(protocol_data(demo))
    assert live["decisions"][2]["text"] == "Изменённый текст."
    context = contexts.protocol_context(demo)
    assert context["decisions"][2]["deadline"] == dt.date(2021, 12, 1)
    lines = docx_paragraphs(render_document(library.default_template("protocol_short"), context))
    assert "Ответственный исполнитель – Кузнецова Н.В., срок до 01.12.2021." in lines
    assert "Изменённый текст." not in " ".join(lines)


def test_extract_keeps_only_the_chosen_decisions(demo):
    secretary_user = User(email="zharkikh@cluster.test", role="secretary", person=person("Жарких"))
    first, second, third = demo.decisions
    context = contexts.extract_context(demo, [third.id, first.id, 999999], secretary_user, today=dt.date(2021, 10, 25))
    assert [d["number"] for d in context["decisions"]] == [1, 3]
    assert [item["number"] for item in context["agenda"]] == [1, 2]
    assert [d["number"] for d in context["agenda"][1]["decisions"]] == [3]
    assert context["certified"] == {
        "position": "Секретарь Координационного совета",
        "name": "Е.В. Жарких",
        "date": dt.date(2021, 10, 25),
    }


def test_extract_certified_by_someone_outside_the_council(demo):
    outsider = Person(surname="Сидорова", first_name="Анна", patronymic="Петровна", position="методист")
    assert contexts.certification(demo, outsider, dt.date(2021, 11, 1)) == {
        "position": "Методист",
        "name": "А.П. Сидорова",
        "date": dt.date(2021, 11, 1),
    }
    assert contexts.certification(demo, None, dt.date(2021, 11, 1)) == {
        "position": "",
        "name": "",
        "date": dt.date(2021, 11, 1),
    }


def test_extract_is_certified_by_the_council_secretary_unless_another_is_picked(demo):
    """An account linked to nobody (the demo admin) no longer gives a blank «Верно»."""
    nobody = User(email="admin@cluster.test", role="admin")
    first = demo.decisions[0]
    context = contexts.extract_context(demo, [first.id], nobody, today=dt.date(2021, 10, 25))
    assert context["certified"]["position"] == "Секретарь Координационного совета"
    assert context["certified"]["name"] == "Е.В. Жарких"
    chair = person("Беляев")
    picked = contexts.extract_context(demo, [first.id], nobody, signer=chair, today=dt.date(2021, 10, 25))
    assert picked["certified"]["name"] == "Е.В. Беляев"
    assert [p.surname for p in contexts.signer_choices(demo, nobody)][0] == "Жарких"


def test_report_statuses_overdue_and_totals(demo):
    first, second, third = demo.decisions
    first.status = DecisionStatus.DONE.value
    first.report_text = "Чек-листы утверждены."
    first.report_date = dt.date(2021, 11, 25)
    second.status = DecisionStatus.IN_PROGRESS.value
    third.status, third.deadline = DecisionStatus.OPEN.value, dt.date(2021, 12, 1)
    db.session.flush()
    context = contexts.decisions_report_context(
        demo.council, dt.date(2021, 10, 1), dt.date(2021, 12, 31), demo.decisions, today=dt.date(2021, 12, 15)
    )
    rows = context["rows"]
    assert [(r["number"], r["status_label"], r["overdue_days"]) for r in rows] == [
        (1, "Исполнено", None),
        (2, "В работе", None),
        (3, "Просрочено", 14),
    ]
    assert rows[0]["done_on"] == dt.date(2021, 11, 25) and rows[0]["report_text"] == "Чек-листы утверждены."
    assert rows[2]["responsible"] == [{"name": "Кузнецова Н.В."}]
    assert rows[2]["meeting_number"] == 2 and rows[2]["meeting_date"] == dt.date(2021, 10, 22)
    assert context["totals"] == [
        {"label": "Всего решений", "count": 3},
        {"label": "В работе", "count": 1},
        {"label": "Просрочено", "count": 1},
        {"label": "Исполнено", "count": 1},
    ]
    assert context["council"]["name_genitive"].startswith("Координационного совета")


def test_report_over_every_council(demo):
    context = contexts.decisions_report_context(None, dt.date(2021, 1, 1), dt.date(2021, 12, 31), [])
    assert context["council"]["name_genitive"] == "советов Промышленного образовательно-отраслевого кластера"
    assert context["rows"] == [] and context["totals"] == []


def test_decisions_of_period_take_the_meetings_held_in_it(demo):
    council = demo.council
    later = make_meeting(council, number=3, date=dt.date(2021, 12, 20), decisions=2)
    add_attendee(later, "Беляев Е.В.")
    db.session.flush()
    found = services.decisions_of_period(council, dt.date(2021, 10, 1), dt.date(2021, 11, 30))
    assert [(d.meeting.number, d.number) for d in found] == [(2, 1), (2, 2), (2, 3)]
    found = services.decisions_of_period(council, dt.date(2021, 10, 22), dt.date(2021, 12, 20))
    assert [(d.meeting.number, d.number) for d in found] == [(2, 1), (2, 2), (2, 3), (3, 1), (3, 2)]
    everything = services.decisions_of_period(None, dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    assert {d.meeting.council.name for d in everything} >= {
        council.name,
        "Экспертный совет Промышленного образовательно-отраслевого кластера",
    }


def test_every_demo_context_fills_its_default_template(app, ctx):
    """The upload check of each kind accepts the template the intranet ships with
    (every kind whose area gives a demo context, including other areas')."""
    checked = []
    for kind in library.KINDS:
        demo_context = services.demo_context(kind)
        if demo_context is None:
            continue
        for variant in services.variants(demo_context):
            validate_template(library.default_template(kind), variant)
        checked.append(kind)
    assert {"protocol_short", "protocol_full", "extract", "decisions_report"} <= set(checked)


def test_demo_protocol_renders_every_section(app):
    text = docx_text(render_document(library.default_template("protocol_full"), contexts.demo_protocol_context()))
    for expected in (
        "Председатель – Е.В. Беляев",
        "Приглашённые:",
        "СЛУШАЛИ:",
        "Пояркову О.Н. – о порядке",
        "ВЫСТУПИЛИ:",
        "Елисеев В.А. – предложил",
        "1.1. Поручить",
        "ПО ИТОГАМ ЗАСЕДАНИЯ РЕШИЛИ:",
        "Время проведения: 14:00 – 15:30",
    ):
        assert expected in text
