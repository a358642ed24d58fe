"""Materials of meetings: uploads checked by their bytes, versions, order, deletion,
downloads per role, storage in the database or a directory, the protocol's «Приложения»."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
import zipfile

import openpyxl
import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from cluster_intranet.auth.roles import Role
from cluster_intranet.demo import seed
from cluster_intranet.extensions import db
from cluster_intranet.materials import services
from cluster_intranet.materials.models import Material, MaterialVersion
from cluster_intranet.meetings import services as meeting_services
from cluster_intranet.meetings.models import Meeting
from tests.documents.support import docx_paragraphs, make_docx
from tests.messages import said

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "Смета"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pptx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<p:presentation/>")
    return out.getvalue()


@pytest.fixture
def meeting(app, ctx) -> Meeting:
    """The planned meeting of 2027 of the demo data: a draft with an agenda."""
    seed()
    db.session.commit()
    return db.session.scalar(select(Meeting).where(Meeting.year == 2027))


def multipart(name: str, data: bytes, **fields) -> dict:
    """A form with a file, encoded in memory (the test client spools big bodies to a
    temporary file that it never closes)."""
    values = MultiDict({"file": FileStorage(io.BytesIO(data), filename=name, name="file"), **fields})
    boundary, body = encode_multipart(values)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def upload(client, meeting_id: int, name: str, data: bytes, hx: bool = True, **fields):
    path = f"/materials/meetings/{meeting_id}"
    if hx:
        return client.hx("post", path, **multipart(name, data, **fields))
    return client.post(path, **multipart(name, data, **fields))


def notice(response) -> str:
    return said(response)["text"]


def materials_of(meeting_id: int) -> list[Material]:
    db.session.expire_all()
    return services.meeting_materials(meeting_id)


def test_kinds_are_read_from_the_bytes():
    assert services.detect_kind(make_docx("Текст")) == "docx"
    assert services.detect_kind(xlsx_bytes()) == "xlsx"
    assert services.detect_kind(pptx_bytes()) == "pptx"
    assert services.detect_kind(PDF) == "pdf"
    assert services.detect_kind(PNG) == "png"
    assert services.detect_kind(b"\xff\xd8\xff\xe0JFIF") == "jpeg"
    assert services.detect_kind(b"MZ\x90\x00 an executable") is None
    assert services.detect_kind(b"PK\x03\x04 not really a zip") is None


def test_secretary_uploads_and_anyone_signed_in_downloads(secretary, login_as, meeting):
    data = make_docx("Проект положения о кластере")
    response = upload(secretary, meeting.id, "Положение.docx", data, title="Проект положения")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="materials"' in page and "Проект положения" in page and "Положение.docx" in page
    assert "Материал «Проект положения» загружен." in notice(response)
    [material] = materials_of(meeting.id)
    assert material.agenda_item_id is None and [v.number for v in material.versions] == [1]
    assert material.current.kind == "docx" and material.current.size == len(data)

    for role in (Role.VIEWER, Role.EXPERT, Role.EDITOR):
        client = login_as(role, f"{role.value}-reader@cluster.test")
        got = client.get(f"/materials/{material.id}/file")
        assert got.status_code == 200 and got.data == data
        assert got.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        assert (
            "filename*=UTF-8''%D0%9F%D0%BE%D0%BB%D0%BE%D0%B6%D0%B5%D0%BD%D0%B8%D0%B5.docx"
            in got.headers["Content-Disposition"]
        )
        assert got.headers["X-Content-Type-Options"] == "nosniff"
        assert docx_paragraphs(got.data) == ["Проект положения о кластере"]


def test_title_defaults_to_the_file_name_and_items_group_the_list(secretary, meeting):
    item = meeting.agenda_items[0]
    assert (
        upload(secretary, meeting.id, "Смета 2027.xlsx", xlsx_bytes(), agenda_item_id=str(item.id)).status_code == 200
    )
    assert upload(secretary, meeting.id, "Доклад.pptx", pptx_bytes()).status_code == 200
    sheet, slides = sorted(materials_of(meeting.id), key=lambda m: m.id)
    assert (sheet.title, sheet.agenda_item_id, sheet.current.kind) == ("Смета 2027", item.id, "xlsx")
    assert (slides.title, slides.agenda_item_id) == ("Доклад", None)
    page = secretary.get(f"/materials/meetings/{meeting.id}").get_data(as_text=True)
    assert (
        page.index("Ко всему заседанию") < page.index("Доклад") < page.index("К вопросу 1:") < page.index("Смета 2027")
    )


def several(*files: tuple[str, bytes], **fields) -> dict:
    values = MultiDict([("file", FileStorage(io.BytesIO(data), filename=name, name="file")) for name, data in files])
    values.update(fields)
    boundary, body = encode_multipart(values)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def test_several_files_chosen_at_once_become_a_material_each(secretary, meeting):
    """A secretary preparing a meeting has its papers in one folder: one upload takes them
    all, each a material named after its file, in the order chosen (a typed title would
    name only one of them, so it is left out)."""
    files = [("Доклад Поярковой.docx", make_docx("Доклад")), ("Смета.xlsx", xlsx_bytes()), ("Схема.png", PNG)]
    response = secretary.hx("post", f"/materials/meetings/{meeting.id}", **several(*files, title="Общее название"))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert notice(response) == "Загружено 3 материала: «Доклад Поярковой», «Смета», «Схема»."
    assert [(m.title, m.current.filename, m.current.kind) for m in materials_of(meeting.id)] == [
        ("Доклад Поярковой", "Доклад Поярковой.docx", "docx"),
        ("Смета", "Смета.xlsx", "xlsx"),
        ("Схема", "Схема.png", "png"),
    ]


def test_one_file_refused_among_several_refuses_them_all_saying_which(secretary, meeting):
    files = [("Доклад.docx", make_docx("Доклад")), ("скан.pdf", PDF + b"0" * 10), ("отчёт.docx", PDF)]
    response = secretary.hx("post", f"/materials/meetings/{meeting.id}", **several(*files))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Содержимое файла «отчёт.docx» не соответствует расширению" in page
    assert "Ни один из выбранных файлов не загружен." in page
    assert materials_of(meeting.id) == []


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("программа.exe", b"MZ\x90\x00", "такого типа не принимается"),
        ("отчёт.docx", PDF, "не соответствует расширению (документ Word ожидался, а это документ PDF)"),
        ("фото.png", make_docx("x"), "не соответствует расширению (изображение PNG ожидался, а это документ Word)"),
        ("архив.docx", b"PK\x03\x04garbage", "это не документ и не изображение известного типа"),
        ("пусто.pdf", b"", "Выберите файл"),
    ],
)
def test_refusals_show_next_to_the_file_field(secretary, meeting, name, data, message):
    response = upload(secretary, meeting.id, name, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "invalid-feedback" in page
    assert response.headers["HX-Retarget"] == "#materials"
    assert materials_of(meeting.id) == []


def test_size_limit_message_and_the_request_limit(app, secretary, meeting, monkeypatch):
    monkeypatch.setitem(app.config, "MATERIALS_MAX_SIZE", 3 * services.MB)
    response = upload(secretary, meeting.id, "скан.pdf", PDF + b"0" * (3 * services.MB + 10))
    assert response.status_code == 422
    assert "Файл больше 3 МБ (3,1 МБ)" in response.get_data(as_text=True)  # just over: rounded up, a comma
    # Far above the limit (more than the form's overhead): the request itself is refused.
    response = upload(secretary, meeting.id, "скан.pdf", PDF + b"0" * (5 * services.MB))
    assert response.status_code == 413
    assert "Файл больше 3 МБ: такой материал загрузить нельзя" in response.get_data(as_text=True)
    # Above the app's usual 10 MB and within the materials' limit: accepted.
    monkeypatch.setitem(app.config, "MATERIALS_MAX_SIZE", 50 * services.MB)
    big = PDF + b"0" * (12 * services.MB)
    assert upload(secretary, meeting.id, "скан.pdf", big).status_code == 200
    assert materials_of(meeting.id)[0].current.size == len(big)
    # The page's file inputs carry the limit and these words: it refuses a bigger file before sending it.
    section = secretary.get(f"/materials/meetings/{meeting.id}").get_data(as_text=True)
    assert section.count(f'data-max-size="{50 * services.MB}"') == 2  # the new material's, the new version's
    assert section.count('data-too-big="Файл больше 50 МБ: такой материал загрузить нельзя.') == 2
    # Several files in one request: together within the limit too (only the new material takes several).
    assert section.count(f'data-max-total="{50 * services.MB}"') == 1
    assert 'data-too-much="Выбранные файлы вместе больше 50 МБ: загрузите их в несколько приёмов."' in section


def test_new_version_keeps_the_old_ones(secretary, viewer, meeting):
    upload(secretary, meeting.id, "Проект.docx", make_docx("Первая редакция"))
    [material] = materials_of(meeting.id)
    response = secretary.hx("post", f"/materials/{material.id}/versions", content_type="multipart/form-data",
                            data={"file": (io.BytesIO(make_docx("Вторая редакция")), "Проект v2.docx")})  # fmt: skip
    assert response.status_code == 200
    assert "версия 2" in response.get_data(as_text=True)
    assert docx_paragraphs(viewer.get(f"/materials/{material.id}/file").data) == ["Вторая редакция"]
    assert docx_paragraphs(viewer.get(f"/materials/{material.id}/versions/1/file").data) == ["Первая редакция"]
    assert viewer.get(f"/materials/{material.id}/versions/3/file").status_code == 404
    # A new version is checked like an upload; the refusal (of the input: 422) goes to the message area.
    response = secretary.hx("post", f"/materials/{material.id}/versions", content_type="multipart/form-data",
                            data={"file": (io.BytesIO(PDF), "Проект v3.docx")})  # fmt: skip
    assert response.status_code == 422 and "не соответствует расширению" in response.get_data(as_text=True)
    assert [v.number for v in materials_of(meeting.id)[0].versions] == [1, 2]


def test_title_item_order_and_delete(secretary, meeting):
    for name in ("Первый.pdf", "Второй.pdf", "Третий.pdf"):
        upload(secretary, meeting.id, name, PDF)
    first, second, third = materials_of(meeting.id)
    assert secretary.hx("post", f"/materials/{third.id}/move/up").status_code == 200
    assert [m.title for m in materials_of(meeting.id)] == ["Первый", "Третий", "Второй"]
    # Past the first row: said, and nothing moves (as on the meeting's other lists).
    top = secretary.hx("post", f"/materials/{first.id}/move/up")
    assert top.status_code == 409 and "Строка уже первая: выше некуда." in top.get_data(as_text=True)
    assert [m.title for m in materials_of(meeting.id)] == ["Первый", "Третий", "Второй"]
    item = meeting.agenda_items[0]
    response = secretary.hx(
        "post", f"/materials/{first.id}/edit", data={"title": "Справка", "agenda_item_id": str(item.id)}
    )
    assert response.status_code == 200
    assert {m.id: (m.title, m.agenda_item_id) for m in materials_of(meeting.id)}[first.id] == ("Справка", item.id)
    # An agenda item of another meeting is refused.
    other = db.session.scalar(select(Meeting).where(Meeting.year == 2021))
    response = secretary.hx(
        "post",
        f"/materials/{first.id}/edit",
        data={"title": "Справка", "agenda_item_id": str(other.agenda_items[0].id)},
    )
    assert response.status_code == 422 and "Неверный вариант" in response.get_data(as_text=True)
    page = secretary.get(f"/materials/meetings/{meeting.id}").get_data(as_text=True)
    assert 'hx-confirm="Удалить материал «Второй» со всеми его версиями?"' in page
    second_id = second.id
    response = secretary.hx("post", f"/materials/{second_id}/delete")
    assert response.status_code == 200 and "Материал «Второй» удалён." in notice(response)
    assert sorted(m.title for m in materials_of(meeting.id)) == ["Справка", "Третий"]
    assert db.session.scalar(select(MaterialVersion).where(MaterialVersion.material_id == second_id)) is None


def test_without_javascript_the_forms_post_and_redirect(secretary, meeting):
    response = upload(secretary, meeting.id, "Справка.pdf", PDF, hx=False)
    assert response.status_code == 303 and response.location.endswith(f"/meetings/{meeting.id}#materials")
    response = upload(secretary, meeting.id, "Справка.exe", b"MZ", hx=False)
    assert response.status_code == 303
    page = secretary.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "такого типа не принимается" in page


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EXPERT, Role.EDITOR])
def test_only_secretaries_change_materials(login_as, secretary, meeting, role):
    upload(secretary, meeting.id, "Справка.pdf", PDF)
    [material] = materials_of(meeting.id)
    client = login_as(role, f"{role.value}-changer@cluster.test")
    assert upload(client, meeting.id, "Ещё.pdf", PDF).status_code == 403
    for path in (
        f"/materials/{material.id}/delete",
        f"/materials/{material.id}/move/up",
        f"/materials/{material.id}/edit",
    ):
        assert client.hx("post", path, data={"title": "x"}).status_code == 403
    page = client.get(f"/materials/meetings/{meeting.id}").get_data(as_text=True)
    assert "Справка" in page and "Загрузить материал" not in page and "/delete" not in page
    assert len(materials_of(meeting.id)) == 1


def test_anonymous_and_missing(client, secretary, meeting):
    upload(secretary, meeting.id, "Справка.pdf", PDF)
    [material] = materials_of(meeting.id)
    response = client.get(f"/materials/{material.id}/file")
    assert response.status_code == 302 and "/login" in response.location
    assert secretary.get("/materials/999999/file").status_code == 404
    assert secretary.get("/materials/meetings/999999").status_code == 404


def test_an_approved_protocol_keeps_its_materials(secretary, meeting):
    upload(secretary, meeting.id, "Справка.pdf", PDF)
    [material] = materials_of(meeting.id)
    from cluster_intranet.auth.models import User

    meeting_services.approve(db.session.get(Meeting, meeting.id), db.session.scalar(select(User)))
    db.session.commit()
    response = upload(secretary, meeting.id, "Ещё.pdf", PDF)
    assert response.status_code == 409 and "Протокол утверждён" in response.get_data(as_text=True)
    assert secretary.hx("post", f"/materials/{material.id}/delete").status_code == 409
    assert len(materials_of(meeting.id)) == 1


def test_files_in_a_directory_when_configured(app, secretary, viewer, meeting, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MATERIALS_DIR", str(tmp_path / "materials"))
    data = make_docx("В каталоге")
    upload(secretary, meeting.id, "Справка.docx", data)
    [material] = materials_of(meeting.id)
    version = material.current
    stored = tmp_path / "materials" / version.sha256[:2] / version.sha256
    assert stored.read_bytes() == data
    assert db.session.scalar(select(MaterialVersion.content).where(MaterialVersion.id == version.id)) is None
    assert viewer.get(f"/materials/{material.id}/file").data == data
    # A version kept in the database before the directory was configured still reads.
    monkeypatch.setitem(app.config, "MATERIALS_DIR", None)
    upload(secretary, meeting.id, "Вторая.pdf", PDF)
    monkeypatch.setitem(app.config, "MATERIALS_DIR", str(tmp_path / "materials"))
    second = materials_of(meeting.id)[1]
    assert viewer.get(f"/materials/{second.id}/file").data == PDF
    # A file lost from the directory is a clear 404, not a crash.
    stored.unlink()
    response = viewer.get(f"/materials/{material.id}/file")
    assert response.status_code == 404 and "Файл не найден в хранилище материалов" in response.get_data(as_text=True)


def test_meeting_page_loads_the_section(secretary, meeting):
    page = secretary.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'hx-get="/materials/meetings/{meeting.id}"' in page and 'hx-trigger="load"' in page
    section = secretary.hx("get", f"/materials/meetings/{meeting.id}")
    assert section.status_code == 200 and section.get_data(as_text=True).lstrip().startswith(
        '<section class="card mt-4" id="materials">'
    )


def test_full_protocol_lists_the_materials_as_appendices(secretary, meeting):
    item = meeting.agenda_items[0]
    upload(secretary, meeting.id, "Смета.xlsx", xlsx_bytes(), title="Смета расходов", agenda_item_id=str(item.id))
    upload(secretary, meeting.id, "Положение.docx", make_docx("x"), title="Положение о кластере")
    lines = docx_paragraphs(secretary.get(f"/documents/meetings/{meeting.id}/protocol.docx?form=full").data)
    at = lines.index("Приложения:")
    assert lines[at + 1 : at + 3] == ["1. Положение о кластере.", "2. Смета расходов (к вопросу 1)."]


def stored_files(directory) -> list[str]:
    return sorted(p.name for p in directory.rglob("*") if p.is_file() and p.name != ".lock")


def age(directory, hours: float = 2) -> None:
    """Makes every stored file look written ``hours`` ago (older than the sweep's grace)."""
    then = time.time() - hours * 3600
    for path in directory.rglob("*"):
        if path.is_file():
            os.utime(path, (then, then))


def test_a_deleted_materials_file_leaves_the_directory(app, secretary, meeting, tmp_path, monkeypatch):
    directory = tmp_path / "materials"
    monkeypatch.setitem(app.config, "MATERIALS_DIR", str(directory))
    upload(secretary, meeting.id, "Справка.docx", make_docx("Справка"))
    upload(secretary, meeting.id, "Смета.pdf", PDF)
    upload(secretary, meeting.id, "Смета (копия).pdf", PDF)  # the same bytes: one file for two materials
    note, sheet, copy = materials_of(meeting.id)
    age(directory)
    interrupted = directory / note.current.sha256[:2] / ".upload-crashed"
    interrupted.write_bytes(b"half a file")
    os.utime(interrupted, (time.time() - 7200,) * 2)
    assert secretary.hx("post", f"/materials/{note.id}/delete").status_code == 200
    assert stored_files(directory) == [sheet.current.sha256]  # and what the interrupted upload left is gone
    # A file another material still has stays; with the last one it goes.
    assert secretary.hx("post", f"/materials/{sheet.id}/delete").status_code == 200
    assert stored_files(directory) == [copy.current.sha256]
    assert secretary.get(f"/materials/{copy.id}/file").data == PDF
    assert secretary.hx("post", f"/materials/{copy.id}/delete").status_code == 200
    assert stored_files(directory) == []


def test_a_sweep_leaves_the_file_of_an_upload_on_its_way(app, secretary, meeting, tmp_path, monkeypatch):
    """Deleted, then the same bytes uploaded again before the sweep: the upload has touched
    the file before its commit, so the sweep leaves it; an unreferenced file written just
    now (an upload not committed yet) stays too, and nothing goes while a backup holds the
    directory."""
    directory = tmp_path / "materials"
    monkeypatch.setitem(app.config, "MATERIALS_DIR", str(directory))
    upload(secretary, meeting.id, "Смета.pdf", PDF)
    [sheet] = materials_of(meeting.id)
    age(directory)
    services.delete_material(sheet)
    db.session.commit()
    sha256, content = services.store_file(PDF, str(directory))  # an upload of the same file, not committed yet
    assert content is None and services.sweep_files(str(directory)) == 0
    assert stored_files(directory) == [sha256]
    age(directory)
    with services.directory_lock(str(directory)):
        assert services.sweep_files(str(directory)) == 0
        # The same lock as flock(1)'s, which the copy of a PostgreSQL deployment takes (README).
        if shutil.which("flock"):
            assert subprocess.run(["flock", "--nonblock", str(directory / ".lock"), "true"]).returncode == 1
    assert services.sweep_files(str(directory)) == 1 and stored_files(directory) == []
