"""«Импорт протокола»: upload, review, confirm — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import time

import lxml.html
import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from cluster_intranet import clock
from cluster_intranet.decisions import queries
from cluster_intranet.decisions.models import Decision, DecisionStatus
from cluster_intranet.directory.models import Organization, Person
from cluster_intranet.extensions import db
from cluster_intranet.meetings.protocol import protocol_data
from cluster_intranet.materials.models import MaterialVersion
from cluster_intranet.materials.services import PROTOCOL_ORIGINAL
from cluster_intranet.meetings.importing import saving
from cluster_intranet.meetings.models import Meeting, MeetingStatus
from tests.conftest import FULL_TEXT
from tests.meetings.test_import_parser import VARIANTS
from tests.meetings.test_import_reader import BAD_FILES


def _upload(client, name: str, data: bytes, **headers):
    # Encoded here: the test client spools a large multipart body to a file it never closes.
    boundary, body = encode_multipart({"files": FileStorage(io.BytesIO(data), name), "text": ""})
    return client.post(
        "/meetings/import",
        data=body,
        content_type=f'multipart/form-data; boundary="{boundary}"',
        headers=headers,
    )


def _counts():
    return [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Meeting, Person, Organization, Decision)
    ]


def test_the_seed_protocol_is_refused_as_already_present(secretary, demo, seed_text, ctx):
    page = secretary.get("/meetings/")
    assert "Импорт протокола" in page.get_data(as_text=True)
    upload = _upload(secretary, "протокол 22.10.2021.txt", seed_text.encode())
    assert upload.status_code == 303
    review = secretary.get(upload.headers["Location"])
    text = review.get_data(as_text=True)
    assert review.status_code == 200
    assert "Матвеев Д..М." in text and "Все распознано" not in text and "Всё распознано" in text
    assert "уже есть" in text  # warned before confirming
    before = _counts()
    refused = secretary.post(
        upload.headers["Location"], data={"council_id": demo.council_id, "number": "2", "date": "2021-10-22"}
    )
    assert refused.status_code == 422
    assert f'href="/meetings/{demo.id}"' in refused.get_data(as_text=True)
    assert _counts() == before


def test_full_protocol_becomes_a_draft_with_new_people(secretary, demo, ctx):
    upload = _upload(secretary, "эксперты.txt", FULL_TEXT.read_bytes())
    review = secretary.get(upload.headers["Location"])
    assert "Мельникова-Гросс Ю.А." in review.get_data(as_text=True)
    import_id = int(upload.headers["Location"].rsplit("/", 1)[1])
    # The demo holds an Expert Council protocol No. 1 of 2021: this one is saved as No. 3.
    confirmed = secretary.post(
        upload.headers["Location"], data={"council_id": "2", "number": "3", "date": "2021-11-17"}
    )
    assert confirmed.status_code == 303, confirmed.get_data(as_text=True)
    meeting = db.session.scalar(select(Meeting).where(Meeting.number == 3, Meeting.year == 2021))
    assert meeting.status == MeetingStatus.DRAFT and meeting.date == dt.date(2021, 11, 17)
    assert meeting.place == "ОГБПОУ «Томский индустриальный техникум», ауд. 210"
    assert (meeting.chair.surname, meeting.secretary.surname) == ("Пояркова", "Кузнецова")
    invited = [a for a in meeting.attendances if a.mode == "invited"]
    guest = invited[1]
    assert (guest.name, guest.job_title, guest.organization) == (
        "Мельникова-Гросс Ю.А.",
        "методист",
        "ОГБУ «Региональный центр развития профессионального образования»",
    )
    assert guest.person.organization.short_name == "ОГБУ «Региональный центр развития профессионального образования»"
    assert invited[0].person.surname == "Королева"  # matched, not created again
    assert [a.person_id is not None for a in meeting.attendances] == [True] * 8
    first, second = meeting.agenda_items
    assert (first.speaker_name, second.speaker_name) == ("Пояркова О.Н.", "Соколов А.В.")
    assert first.discussion.startswith("Иванова М.С. – предложила")
    decisions = meeting.decisions
    assert [d.agenda_item.position for d in decisions] == [1, 1, 2, 2]
    assert [p.short_name for p in decisions[1].responsible_people] == ["Иванова М.С.", "Мельникова-Гросс Ю.А."]
    assert decisions[2].deadline is None and decisions[2].term == "постоянно"
    assert [d.label for d in decisions] == ["1.1", "1.2", "2.1", "2.2"]
    assert first.votes == {"for": 6, "against": 0, "abstained": 0, "unanimous": False} and not decisions[0].has_votes
    assert second.votes["unanimous"] is True
    # The original is the meeting's material now, not an appendix of its protocol.
    kept = db.session.get(MaterialVersion, import_id)
    assert kept.meeting_id == meeting.id and kept.content == FULL_TEXT.read_bytes() and kept.kind == "txt"
    assert [(m.title, m.protocol_original) for m in meeting.materials] == [(PROTOCOL_ORIGINAL, True)]
    assert protocol_data(meeting)["appendices"] == []
    assert PROTOCOL_ORIGINAL in secretary.get(f"/materials/meetings/{meeting.id}").get_data(as_text=True)
    assert secretary.get(f"/materials/{kept.material_id}/file").data == FULL_TEXT.read_bytes()
    original = secretary.get(f"/meetings/import/{import_id}/original")
    assert original.status_code == 200 and original.data == FULL_TEXT.read_bytes()
    # Confirmed once: the review now leads to the meeting.
    assert secretary.get(f"/meetings/import/{import_id}").headers["Location"].endswith(f"/meetings/{meeting.id}")


def test_archive_copy_is_approved_with_decisions_done(secretary, demo, ctx):
    upload = _upload(secretary, "эксперты.txt", FULL_TEXT.read_bytes())
    answer = secretary.post(
        upload.headers["Location"],
        data={"council_id": "2", "number": "4", "date": "2021-11-17", "archive": "1", "mark_done": "1"},
    )
    assert answer.status_code == 303, answer.get_data(as_text=True)
    meeting = db.session.scalar(select(Meeting).where(Meeting.number == 4, Meeting.year == 2021))
    assert meeting.status == MeetingStatus.APPROVED and len(meeting.versions) == 1
    assert {d.status for d in meeting.decisions} == {DecisionStatus.DONE}
    # Done as the control of execution marks it: reported, on the deadline (or the meeting's day), with history.
    assert {d.report_text for d in meeting.decisions} == {saving.DONE_REPORT}
    assert [d.report_date for d in meeting.decisions] == [
        dt.date(2021, 11, 24),
        dt.date(2021, 12, 1),
        dt.date(2021, 11, 17),
        dt.date(2021, 12, 15),
    ]
    assert all([e.to_status for e in d.events] == ["in_progress", "done"] for d in meeting.decisions)
    done = secretary.get(f"/decisions/?meeting={meeting.id}&status=done").get_data(as_text=True)
    assert all(d.text in done for d in meeting.decisions)


def test_decisions_are_marked_done_only_in_an_archive_copy(secretary, demo, ctx):
    """«отметить все решения исполненными» without «Это архивная копия» is refused under it,
    not ignored: the secretary meant one of the two."""
    upload = _upload(secretary, "эксперты.txt", FULL_TEXT.read_bytes())
    before = _counts()
    answer = secretary.post(
        upload.headers["Location"], data={"council_id": "2", "number": "4", "date": "2021-11-17", "mark_done": "1"}
    )
    assert answer.status_code == 422
    page = lxml.html.fromstring(answer.get_data(as_text=True))
    assert page.get_element_by_id("mark_done").get("checked") is not None
    feedback = page.xpath("//input[@id='mark_done']/following-sibling::div[@class='invalid-feedback']")
    assert feedback[0].text_content().startswith("Отметить решения исполненными можно только у архивной копии")
    assert _counts() == before


def test_imported_decisions_enter_the_control(secretary, demo, ctx):
    """A draft's decisions are under control at once, like any other: in the control list
    and its counts (cached: kept by the deadlines' stamp, which the import changes)."""
    before = queries.status_counts(queries.Filters())
    assert secretary.get("/decisions/").status_code == 200
    upload = _upload(secretary, "эксперты.txt", FULL_TEXT.read_bytes())
    answer = secretary.post(upload.headers["Location"], data={"council_id": "2", "number": "3", "date": "2021-11-17"})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    meeting = db.session.scalar(select(Meeting).where(Meeting.number == 3, Meeting.year == 2021))
    after = queries.status_counts(queries.Filters())
    assert after.by_status.get("open", 0) == before.by_status.get("open", 0) + 4
    listed = lxml.html.fromstring(secretary.get(f"/decisions/?meeting={meeting.id}").get_data(as_text=True))
    text = " ".join(listed.text_content().split())
    for decision in meeting.decisions:
        assert decision.text in text
    assert "Мельникова-Гросс Ю.А." in text and "24.11.2021" in text
    # Its responsible's «my deadlines» hold it too.
    poyarkova = meeting.decisions[0].responsible_people[0]
    assert meeting.decisions[0].id in [
        i for ids in queries.my_assignments(poyarkova.id, clock.local_today()).values() for i in ids
    ]


@pytest.mark.parametrize(
    "filename, data, message", [*BAD_FILES, ("покупки.txt", lambda: "молоко\nхлеб".encode(), "не найден протокол")]
)
def test_bad_files_save_nothing(secretary, demo, ctx, filename, data, message):
    """Each file the reader refuses (empty, pictures only, too big, a zip bomb, protected by a
    password, not a protocol…): its Russian reason beside its name, nothing kept."""
    before = _counts() + [db.session.scalar(select(func.count()).select_from(MaterialVersion))]
    body = data()
    answer = _upload(secretary, filename, body, **{"HX-Request": "true"})
    if len(body) > secretary.application.config["MAX_CONTENT_LENGTH"]:
        assert answer.status_code == 413  # the request refused before it is read
        assert "не более 10 МБ за раз" in answer.get_data(as_text=True)
    else:
        assert answer.status_code == 422
        refusal = lxml.html.fromstring(answer.get_data(as_text=True)).xpath("//*[@role='alert']")
        assert [r.text_content() for r in refusal if message in r.text_content()], answer.get_data(as_text=True)
    assert _counts() + [db.session.scalar(select(func.count()).select_from(MaterialVersion))] == before


def _paste(client, text: str):
    boundary, body = encode_multipart({"text": text})
    return client.post("/meetings/import", data=body, content_type=f'multipart/form-data; boundary="{boundary}"')


def test_a_ten_megabyte_text_pasted_is_refused_in_russian(secretary, demo, ctx):
    before = _counts() + [db.session.scalar(select(func.count()).select_from(MaterialVersion))]
    answer = _paste(secretary, "ПРОТОКОЛ № 1\n" * 450_000)
    assert answer.status_code == 413
    assert "вставленный текст — не более 1 000 000 знаков" in answer.get_data(as_text=True)
    assert _counts() + [db.session.scalar(select(func.count()).select_from(MaterialVersion))] == before


def test_a_long_protocol_pasted_is_read(secretary, demo, ctx):
    """Pasted text is read up to the reader's million characters: 300,000 of them (600 KB in
    UTF-8) are not refused as too big by the form (Flask reads 500 KB of fields by default)."""
    text = VARIANTS.replace("1. Утвердить план работы.", "1. Утвердить план работы" + " и мероприятий" * 21_000 + ".")
    assert 280_000 < len(text) < 1_000_000 and len(text.encode()) > 500_000
    upload = _paste(secretary, text)
    assert upload.status_code == 303, upload.status_code
    review = secretary.get(upload.headers["Location"]).get_data(as_text=True)
    assert " и мероприятий" * 21_000 in review


def test_the_page_refuses_a_file_too_big_before_sending_it(secretary, demo, ctx):
    """The file field carries the limit and the refusal (app.js checks each file's size)."""
    page = lxml.html.fromstring(secretary.get("/meetings/import").get_data(as_text=True))
    (field,) = page.xpath("//input[@name='files']")
    assert field.get("data-max-size") == str(10 * 1024 * 1024)
    assert field.get("data-too-big").startswith("Файл слишком большой (допускается не более 10 МБ)")


def test_pasted_text_is_reviewed_with_what_was_not_recognised(secretary, demo, ctx):
    """Text pasted instead of a file: the review shows the line it could not place verbatim
    in «Не распознано», marks what it is unsure of, and keeps the text as the original."""
    upload = _paste(secretary, VARIANTS)
    assert upload.status_code == 303, upload.get_data(as_text=True)
    page = lxml.html.fromstring(secretary.get(upload.headers["Location"]).get_data(as_text=True))
    assert page.get_element_by_id("import-unrecognised").text_content().strip() == "Это строка, которую никто не поймёт"
    notes = [n.text_content().strip() for n in page.xpath("//div[@data-uncertain]")]
    assert "Совет не распознан: выберите его." in notes  # «Координационного совета» alone
    assert page.xpath("//p[contains(., 'Файл:')]/a")[0].text_content() == "Вставленный текст.txt"
    confirmed = secretary.post(
        upload.headers["Location"], data={"council_id": demo.council_id, "number": "7", "date": "2022-03-05"}
    )
    assert confirmed.status_code == 303, confirmed.get_data(as_text=True)
    meeting = db.session.scalar(select(Meeting).where(Meeting.number == 7, Meeting.year == 2022))
    assert [d.text for d in meeting.decisions] == ["Утвердить план работы.", "Провести следующее заседание в мае."]
    original = next(m for m in meeting.materials if m.protocol_original).versions[-1]
    assert original.content.decode() == VARIANTS.rstrip("\n")  # the form trims the field


def test_a_deadline_read_from_the_middle_of_a_decision_is_marked_for_checking(secretary, demo, ctx):
    """«До 1 декабря 2021 г. направить …»: the review shows the date read, marked to be
    checked, and the saved decision has it."""
    text = "ПРОТОКОЛ № 8\nРЕШИЛИ:\n1. До 1 декабря 2021 г. направить в департамент предложения по программам.\n"
    upload = _paste(secretary, text)
    assert upload.status_code == 303, upload.get_data(as_text=True)
    page = lxml.html.fromstring(secretary.get(upload.headers["Location"]).get_data(as_text=True))
    (row,) = page.xpath("//tr[td[contains(., 'направить в департамент')]]")
    assert " ".join(row.xpath("td[4]")[0].text_content().split()) == "01.12.2021 из текста решения — проверьте"
    confirmed = secretary.post(
        upload.headers["Location"], data={"council_id": demo.council_id, "number": "8", "date": "2021-11-17"}
    )
    assert confirmed.status_code == 303, confirmed.get_data(as_text=True)
    meeting = db.session.scalar(select(Meeting).where(Meeting.number == 8, Meeting.year == 2021))
    assert [(d.text, d.deadline) for d in meeting.decisions] == [
        ("До 1 декабря 2021 г. направить в департамент предложения по программам.", dt.date(2021, 12, 1))
    ]


def test_only_secretaries_import(viewer, demo):
    assert viewer.get("/meetings/import").status_code == 403
    assert _upload(viewer, "p.txt", b"x").status_code == 403


def test_a_responsible_must_be_linked(secretary, demo, ctx):
    upload = _upload(secretary, "эксперты.txt", FULL_TEXT.read_bytes())
    review = secretary.get(upload.headers["Location"]).get_data(as_text=True)
    # Every person is chosen as «not linked»: the responsibles refuse, nothing is created.
    people = review.count('name="person-')
    before = _counts()
    refused = secretary.post(
        upload.headers["Location"],
        data={"council_id": "2", "number": "5", "date": "2021-11-17", **{f"person-{i}": "" for i in range(people)}},
    )
    assert refused.status_code == 422 and "ответственный исполнитель" in refused.get_data(as_text=True)
    assert _counts() == before


def test_a_discarded_or_expired_uploads_file_leaves_the_directory(app, secretary, demo, ctx, tmp_path, monkeypatch):
    directory = tmp_path / "materials"
    monkeypatch.setitem(app.config, "MATERIALS_DIR", str(directory))

    def stored() -> set[str]:
        return {p.name for p in directory.rglob("*") if p.is_file() and not p.name.startswith(".")}

    def uploads() -> list[MaterialVersion]:
        db.session.rollback()  # a fresh read
        return list(
            db.session.scalars(
                select(MaterialVersion).where(MaterialVersion.lines.is_not(None)).order_by(MaterialVersion.id)
            )
        )

    def aged(days: int) -> None:  # the uploads and their files as of ``days`` ago
        db.session.execute(
            MaterialVersion.__table__.update().values(uploaded_at=clock.utcnow() - dt.timedelta(days=days))
        )
        db.session.commit()
        for path in directory.rglob("*"):
            os.utime(path, (time.time() - days * 86400,) * 2)

    first = _upload(secretary, "эксперты.txt", FULL_TEXT.read_bytes())
    first_id = int(first.headers["Location"].rsplit("/", 1)[1])
    first_file = db.session.get(MaterialVersion, first_id).sha256
    assert stored() == {first_file}
    aged(days=1)
    assert secretary.post(f"/meetings/import/{first_id}/discard").status_code == 303
    assert uploads() == [] and stored() == set()
    # An upload never confirmed goes after a week (at the next upload), its file with it.
    second = _upload(secretary, "эксперты.txt", FULL_TEXT.read_bytes().replace(b"2021", b"2020"))
    second_id = int(second.headers["Location"].rsplit("/", 1)[1])
    second_file = db.session.get(MaterialVersion, second_id).sha256
    aged(days=8)
    third = _upload(secretary, "эксперты.txt", FULL_TEXT.read_bytes())
    third_id = int(third.headers["Location"].rsplit("/", 1)[1])
    assert [row.id for row in uploads()] == [third_id] and second_file not in stored()
    assert stored() == {uploads()[0].sha256}


# An id beyond BIGINT, one beyond PostgreSQL's INTEGER, a digit int() refuses, NUL, a line break.
HOSTILE_CHOICES = [str(2**64 + 7), str(2**31), "²", "a\x00b", "1\r\n2"]


def test_hostile_review_choices_are_refused_never_a_500(secretary, demo, ctx):
    """The review form is read without a form class: each of its fields in turn (council,
    number, date, every person, new organisation and decision's item) with each hostile
    value, the others as proposed, is refused with a reason or imported, never a 5xx."""
    # The guest's organisation renamed: a new one, so the form has a field for it too.
    text = FULL_TEXT.read_text(encoding="utf-8").replace("Региональный центр", "Областной центр").encode()
    page = secretary.get(_upload(secretary, "эксперты.txt", text).headers["Location"])
    names = sorted(
        set(
            re.findall(
                r'name="((?:person|organization|item)-\d+|council_id|number|date|city|place|start_time|end_time)"',
                page.get_data(as_text=True),
            )
        )
    )
    assert {"council_id", "number", "date", "person-0", "organization-0"} <= set(names), names
    statuses = {}
    for n, (name, value) in enumerate((name, value) for name in names for value in HOSTILE_CHOICES):
        upload = _upload(secretary, "эксперты.txt", text)
        # A number of its own each time: an import that goes through leaves the next one free.
        data = {"council_id": "2", "number": str(10 + n), "date": "2021-11-17", name: value}
        answer = secretary.post(upload.headers["Location"], data=data)
        statuses[name, value] = answer.status_code
        assert answer.status_code in {303, 422}, (name, value, answer.status_code)
    # No council, no number, no such person: refused with the reason, as any wrong choice.
    for value in HOSTILE_CHOICES:
        assert statuses["council_id", value] == statuses["number", value] == 422, value
    for value in HOSTILE_CHOICES[:3]:
        assert statuses["person-0", value] == 422, value


def test_a_match_corrected_to_anyone_in_the_directory(secretary, demo, ctx):
    """The list offers the namesakes found; «Другой сотрудник справочника…» links anyone
    (a typo in the protocol, a surname changed): that person is linked, the snapshot stays as written."""
    upload = _upload(secretary, "эксперты.txt", FULL_TEXT.read_bytes())
    page = lxml.html.fromstring(secretary.get(upload.headers["Location"]).get_data(as_text=True))
    rows = page.get_element_by_id("import-people").xpath("./div[@data-person-row]")
    index = next(i for i, row in enumerate(rows) if row.text_content().strip().startswith("Елисеев В.А."))
    assert rows[index].xpath(f".//input[@type='hidden'][@name='person-{index}-other'][@value='']")
    belyaev = db.session.scalar(select(Person).where(Person.surname == "Беляев"))
    data = {"council_id": "2", "number": "3", "date": "2021-11-17", f"person-{index}-other": str(belyaev.id)}
    # Refused for another reason first: the page again keeps the person picked.
    again = secretary.post(upload.headers["Location"], data={**data, "council_id": ""})
    assert again.status_code == 422
    picker = lxml.html.fromstring(again.get_data(as_text=True)).get_element_by_id(f"picker-import-person-{index}")
    assert picker.get("value") == "Беляев Е.В."
    assert secretary.post(upload.headers["Location"], data=data).status_code == 303
    meeting = db.session.scalar(select(Meeting).where(Meeting.number == 3, Meeting.year == 2021))
    attendance = next(a for a in meeting.attendances if a.name == "Елисеев В.А.")
    assert attendance.person_id == belyaev.id
    # Someone who is not in the directory (deleted meanwhile, or a forged id): refused, nothing saved.
    upload = _upload(secretary, "эксперты.txt", FULL_TEXT.read_bytes())
    before = _counts()
    refused = secretary.post(
        upload.headers["Location"], data={**data, "number": "4", f"person-{index}-other": "999999"}
    )
    assert refused.status_code == 422 and "такого сотрудника нет в справочнике" in refused.get_data(as_text=True)
    assert _counts() == before


def test_a_refused_field_is_told_under_it(secretary, demo, ctx):
    upload = _upload(secretary, "эксперты.txt", FULL_TEXT.read_bytes())
    for data, field, message in (
        ({"council_id": "", "number": "3", "date": "2021-11-17"}, "council_id", "Выберите совет."),
        ({"council_id": "2", "number": "", "date": "2021-11-17"}, "number", "Укажите номер протокола."),
        ({"council_id": "2", "number": "3", "date": "17.11.2021"}, "date", "Укажите дату заседания."),
    ):
        answer = secretary.post(upload.headers["Location"], data=data)
        assert answer.status_code == 422
        page = lxml.html.fromstring(answer.get_data(as_text=True))
        assert "is-invalid" in page.get_element_by_id(field).get("class")
        assert page.get_element_by_id(field).getnext().text_content() == message
        assert page.xpath("//*[@id='import-error']") == []  # not again above the form


def test_a_deleted_protocols_number_is_refused_without_a_dead_link(secretary, admin, demo, ctx):
    """The Expert Council's protocol No. 1 of 2021 deleted: its number stays taken (an admin may
    restore it), and the review says so instead of linking a page nobody can open."""
    expert = db.session.scalar(select(Meeting).where(Meeting.number == 1, Meeting.year == 2021))
    expert.deleted_at = clock.utcnow()
    db.session.commit()
    upload = _upload(secretary, "эксперты.txt", FULL_TEXT.read_bytes())
    review = secretary.get(upload.headers["Location"]).get_data(as_text=True)
    assert "удалён, но его номер занят" in review and f'href="/meetings/{expert.id}"' not in review
    assert "Удалённые протоколы" in admin.get(upload.headers["Location"]).get_data(as_text=True)
    before = _counts()
    refused = secretary.post(upload.headers["Location"], data={"council_id": "2", "number": "1", "date": "2021-11-17"})
    assert refused.status_code == 422
    page = lxml.html.fromstring(refused.get_data(as_text=True))
    assert (
        page.get_element_by_id("number")
        .getnext()
        .text_content()
        .startswith("Протокол № 1 за 2021 год этого совета удалён")
    )
    assert f'href="/meetings/{expert.id}"' not in refused.get_data(as_text=True)
    assert _counts() == before


def test_the_same_file_sent_again_is_the_upload_already_waiting(secretary, demo, ctx, seed_text):
    """A second click on «Загрузить и распознать» (the files still chosen) keeps no second copy;
    the page lists each upload once: the ones just sent, then the others waiting."""
    first = _upload(secretary, "эксперты.txt", FULL_TEXT.read_bytes())
    waiting = _upload(secretary, "протокол 22.10.2021.txt", seed_text.encode())
    uploads = select(func.count()).select_from(MaterialVersion)
    before = db.session.scalar(uploads)
    again = _upload(secretary, "эксперты (копия).txt", FULL_TEXT.read_bytes())
    assert again.headers["Location"] == first.headers["Location"]
    assert db.session.scalar(uploads) == before
    boundary, body = encode_multipart(
        {"files": [FileStorage(io.BytesIO(FULL_TEXT.read_bytes()), "эксперты.txt")], "text": VARIANTS}
    )
    both = secretary.post(
        "/meetings/import",
        data=body,
        content_type=f'multipart/form-data; boundary="{boundary}"',
        headers={"HX-Request": "true"},
    )
    assert both.status_code == 200
    assert db.session.scalar(uploads) == before + 1  # the pasted text only
    page = lxml.html.fromstring(both.get_data(as_text=True))
    links = [a.get("href") for a in page.xpath("//a[contains(@href, '/meetings/import/')]")]
    assert len(links) == len(set(links)) == 3  # the two just sent, then the seed's waiting
    assert links[0] == first.headers["Location"].removeprefix("http://localhost")
    assert links[2] == waiting.headers["Location"].removeprefix("http://localhost")


def test_the_meetings_place_and_times_corrected_on_the_review(secretary, demo, ctx):
    upload = _upload(secretary, "эксперты.txt", FULL_TEXT.read_bytes())
    page = lxml.html.fromstring(secretary.get(upload.headers["Location"]).get_data(as_text=True))
    proposed = {name: page.get_element_by_id(name).get("value") for name in ("city", "place", "start_time", "end_time")}
    assert proposed == {
        "city": "г. Томск",
        "place": "ОГБПОУ «Томский индустриальный техникум», ауд. 210",
        "start_time": "14:00",
        "end_time": "16:00",
    }
    data = {"council_id": "2", "number": "3", "date": "2021-11-17"}
    for wrong, field, message in (
        ({"start_time": "25:00"}, "start_time", "Время указано неверно"),
        ({"start_time": "15:00", "end_time": "14:30"}, "end_time", "Окончание должно быть позже начала."),
        ({"start_time": "", "end_time": "16:00"}, "start_time", "Укажите начало"),
        ({"place": "ауд. " * 200}, "place", "Место — не длиннее 500 знаков."),
    ):
        answer = secretary.post(upload.headers["Location"], data={**data, **wrong})
        assert answer.status_code == 422, wrong
        feedback = lxml.html.fromstring(answer.get_data(as_text=True)).get_element_by_id(field).getnext()
        assert feedback.text_content().startswith(message), wrong
    corrected = {"city": "г. Северск", "place": "  пр. Коммунистический,\t 67  ", "start_time": "15:30", "end_time": ""}
    assert secretary.post(upload.headers["Location"], data={**data, **corrected}).status_code == 303
    meeting = db.session.scalar(select(Meeting).where(Meeting.number == 3, Meeting.year == 2021))
    assert (meeting.city, meeting.place, meeting.start_time, meeting.end_time) == (
        "г. Северск",
        "пр. Коммунистический, 67",
        dt.time(15, 30),
        None,
    )


def test_confirm_is_one_transaction(secretary, demo_before_the_second_protocol, ctx, monkeypatch):
    """A refusal at the last step (the original kept with the meeting) leaves nothing of the
    rest: no meeting, decisions, new person or new organisation; the upload still waits."""
    upload = _upload(secretary, "эксперты.txt", FULL_TEXT.read_bytes())
    import_id = int(upload.headers["Location"].rsplit("/", 1)[1])
    before = _counts()

    def refuse(row, meeting):
        # Everything else is written (flushed) by now: the meeting, the new guest.
        assert meeting.id is not None and db.session.scalar(select(Person).where(Person.surname == "Мельникова-Гросс"))
        raise saving.ImportRefused("Файл протокола не сохранился.")

    monkeypatch.setattr(saving.materials, "attach_protocol", refuse)
    refused = secretary.post(upload.headers["Location"], data={"council_id": "2", "number": "1", "date": "2021-11-17"})
    assert refused.status_code == 422 and "Файл протокола не сохранился." in refused.get_data(as_text=True)
    db.session.rollback()
    assert _counts() == before
    assert db.session.scalar(select(Person).where(Person.surname == "Мельникова-Гросс")) is None
    assert saving.get_upload(import_id).meeting_id is None


def test_the_review_lists_the_protocols_appendices(secretary, demo, ctx):
    text = FULL_TEXT.read_text(encoding="utf-8").replace(
        "Председатель Экспертного совета",
        "Приложения:\n1. Презентация проекта чек-листа.\nПредседатель Экспертного совета",
        1,
    )
    page = lxml.html.fromstring(secretary.get(_paste(secretary, text).headers["Location"]).get_data(as_text=True))
    assert page.get_element_by_id("import-appendices").text_content().strip() == "Презентация проекта чек-листа"
    assert page.get_element_by_id("import-unrecognised").text_content().strip() == "Всё распознано."
