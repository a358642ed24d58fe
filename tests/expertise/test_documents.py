"""The expertise documents, downloaded and read back with python-docx."""

import io
import zipfile
from urllib.parse import unquote

import docx
import pytest

from cluster_intranet.auth.roles import Role
from cluster_intranet.documents import library
from cluster_intranet.documents.docx_builder import write_templates
from cluster_intranet.documents.grammar import genitive
from cluster_intranet.documents.services import check_template
from cluster_intranet.expertise import builders, document_templates, documents, scoring
from cluster_intranet.extensions import db

from tests import factories
from tests.conftest import make_user

from .conftest import build_session, submit_all


def texts(data: bytes) -> list[str]:
    """Every non-empty paragraph of the document, table cells included, in order."""
    document = docx.Document(io.BytesIO(data))
    found = [p.text.strip() for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                found.extend(p.text.strip() for p in cell.paragraphs)
    return [text for text in found if text]


def table_rows(data: bytes, index: int = 0) -> list[list[str]]:
    """The cell texts of one table, by rows (the first table: the results)."""
    table = docx.Document(io.BytesIO(data)).tables[index]
    return [[cell.text.strip() for cell in row.cells] for row in table.rows]


def filename(response) -> str:
    return unquote(response.headers["Content-Disposition"].split("filename*=UTF-8''")[1])


@pytest.fixture
def completed(app, ctx):
    """A completed session: three experts, one marks the first criterion «частично» with a comment."""
    session, assigned = build_session(experts=3)
    version = session.checklist_version
    first = version.criteria[0]
    builders.answer_all(
        assigned[0][0],
        version.criteria,
        value=lambda c: 1 if c.id == first.id else c.max_value,
        comment="Нет календарного графика",
    )
    for assessment, _ in assigned[1:]:
        builders.answer_all(assessment, version.criteria)
    submit_all(session)
    secretary = make_user(Role.SECRETARY, "kuznetsova@cluster.test", factories.person(surname="Кузнецова").id)
    documents.confirm_conclusion(
        scoring.load_session(session.id), "recommend", "Программа соответствует требованиям.", secretary
    )
    db.session.commit()
    return session, assigned


def test_an_experts_filled_checklist(completed, secretary):
    session, assigned = completed
    assessment = assigned[0][0]
    response = secretary.get(f"/expertise/assessments/{assessment.id}/checklist.docx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert filename(response) == f"Чек-лист эксперта {genitive(assessment.person.short_name)} — 15.02.08.docx"
    found = texts(response.data)
    assert "ЭКСПЕРТНЫЙ ЧЕК-ЛИСТ" in found
    assert "15.02.08 Технология машиностроения" in found
    assert any(assessment.person.full_name in text for text in found)
    rows = table_rows(response.data)
    first = next(row for row in rows if row[0] == "1.1")
    assert first[2:] == ["частично соответствует", "1,5", "1,5", "Нет календарного графика"]
    # 1,5 of 3 for the first criterion, full marks elsewhere: 13,5 of 15 with the weights.
    assert rows[-1][1] == "Итого" and rows[-1][4] == "13,5 из 15 (90\u00a0%)"
    assert "Итоговая рекомендация эксперта: Рекомендовать к согласованию." in found
    person = assessment.person
    signature = table_rows(response.data, -1)[0]
    assert [signature[0], signature[2]] == [
        "Эксперт",
        f"{person.first_name[0]}.{person.patronymic[0]}. {person.surname}",
    ]


def test_the_session_conclusion_with_the_results_table(completed, viewer):
    session, assigned = completed
    signer = session.concluded_by.person
    secretary_name = f"{signer.first_name[0]}.{signer.patronymic[0]}. {signer.surname}"
    response = viewer.get(f"/expertise/sessions/{session.id}/conclusion.docx")
    assert response.status_code == 200
    assert filename(response) == "Экспертное заключение — 15.02.08 Технология машиностроения.docx"
    found = texts(response.data)
    assert "ЭКСПЕРТНОЕ ЗАКЛЮЧЕНИЕ" in found
    for assessment, _ in assigned:
        assert any(
            text.startswith(assessment.person.short_name) or f". {assessment.person.short_name}," in text
            for text in found
        )
    rows = table_rows(response.data)
    first = next(row for row in rows if row[0] == "1.1")
    # Answers in the order of the experts, the mean, points = mean × weight 1,5, maximum 3.
    assert first[2:] == ["1 / 2 / 2", "1,67", "2,5", "3", "83,3\u00a0%"]
    assert "Заключение: Рекомендовать к согласованию." in found
    assert "Программа соответствует требованиям." in found
    # The secretary signs below the experts, in their columns: the line and the name under theirs.
    experts, secretary = (docx.Document(io.BytesIO(response.data)).tables[n] for n in (-2, -1))
    assert table_rows(response.data, -1) == [["Секретарь экспертной сессии", "____________", secretary_name]]
    assert [c.width for c in secretary.columns] == [c.width for c in experts.columns]


def test_the_approval_sheet_has_a_signature_block_per_employer(completed, secretary):
    session, assigned = completed
    response = secretary.get(f"/expertise/programmes/{session.programme_id}/approval-sheet.docx")
    assert response.status_code == 200
    found = texts(response.data)
    assert found[:1] == ["ЛИСТ СОГЛАСОВАНИЯ"]
    assert "СОГЛАСОВАНО:" in found
    assert any("Программа согласована." in text for text in found)
    signatures = [row for row in table_rows(response.data) if row[1].startswith("____")]  # the only table
    assert len(signatures) == 3
    for (assessment, _), row in zip(assigned, signatures):
        person = assessment.person
        assert person.position == "главный инженер"
        assert row[0] == f"Главный инженер {person.organization.short_name}"  # a block opens with a capital
        assert row[2] == f"{person.first_name[0]}.{person.patronymic[0]}. {person.surname}"


def test_no_approval_sheet_before_a_decision(app, secretary, ctx):
    session, _ = build_session(experts=0)
    db.session.commit()
    url = f"/expertise/programmes/{session.programme_id}/approval-sheet.docx"
    refused = secretary.hx("get", url)
    assert refused.status_code == 409 and "Лист согласования появится" in refused.get_data(as_text=True)
    assert secretary.get(url).status_code == 303


def test_an_unfinished_checklist_prints_dashes(app, secretary, ctx):
    session, assigned = build_session(experts=1)
    db.session.commit()
    response = secretary.get(f"/expertise/assessments/{assigned[0][0].id}/checklist.docx")
    rows = table_rows(response.data)
    first = next(row for row in rows if row[0] == "1.1")
    assert first[2] == "—" and first[4] == "—"
    assert "Итоговая рекомендация эксперта: не указана." in texts(response.data)


def _shape(value):
    """The keys of a context, recursively; lists by their first item."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return None


def test_the_demo_contexts_have_the_shape_of_the_real_ones(completed):
    session, assigned = completed
    data = scoring.load_session(session.id)
    real = {
        "expert_checklist": documents.checklist_context(data, data.assessments[0]),
        "expert_conclusion": documents.conclusion_context(data),
        "approval_sheet": documents.approval_sheet_context(data),
    }
    for kind, context in real.items():
        demo = documents.DEMO_CONTEXTS[kind]()
        assert _shape(demo) == _shape(context), kind


@pytest.mark.parametrize("kind", ["expert_checklist", "expert_conclusion", "approval_sheet"])
def test_the_default_templates_pass_the_librarys_upload_check(app, ctx, kind):
    assert kind in library.KINDS
    check_template(kind, library.default_template(kind))  # strict: every variable of the contract exists


def test_committed_templates_match_the_build_script(tmp_path):
    write_templates(document_templates.TEMPLATES, tmp_path)
    for name in document_templates.TEMPLATES:
        with zipfile.ZipFile(tmp_path / name) as built, zipfile.ZipFile(library.DEFAULT_TEMPLATES / name) as committed:
            assert built.namelist() == committed.namelist()
            for member in built.namelist():
                assert built.read(member) == committed.read(member), (
                    f"{name}/{member} is out of date: run flask --app wsgi build-templates"
                )


def test_the_documents_of_a_confirmed_conclusion_are_frozen_and_the_programme_keeps_its_history(completed, secretary):
    session, assigned = completed
    programme = session.programme
    before = {
        "sheet": texts(secretary.get(f"/expertise/programmes/{programme.id}/approval-sheet.docx").data),
        "conclusion": texts(secretary.get(f"/expertise/sessions/{session.id}/conclusion.docx").data),
        "checklist": texts(secretary.get(f"/expertise/assessments/{assigned[0][0].id}/checklist.docx").data),
    }
    old_title = programme.title
    form = {"code": programme.code, "name": "Новое название программы", "qualification": "Старший техник",
            "college_id": programme.college_id, "study_form": "extramural", "intake_year": "2024"}  # fmt: skip
    assert secretary.post(f"/expertise/programmes/{programme.id}/edit", data=form).status_code == 303
    sheet = secretary.get(f"/expertise/programmes/{programme.id}/approval-sheet.docx")
    after = {
        "sheet": texts(sheet.data),
        "conclusion": texts(secretary.get(f"/expertise/sessions/{session.id}/conclusion.docx").data),
        "checklist": texts(secretary.get(f"/expertise/assessments/{assigned[0][0].id}/checklist.docx").data),
    }
    assert after == before  # word for word, as confirmed
    assert not any("Старший техник" in t or "2024" in t or "Новое название" in t for t in after["sheet"])
    assert filename(sheet) == f"Лист согласования — {old_title}.docx"
    page = secretary.get(f"/expertise/programmes/{programme.id}").get_data(as_text=True)
    assert "История изменений" in page and "Квалификация:" in page and "→ Старший техник" in page
    assert "Форма обучения: очная → заочная" in page and "Год набора: " in page and "→ 2024" in page
