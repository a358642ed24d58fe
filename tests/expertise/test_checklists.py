"""Checklist templates: building a draft in place, publishing, versions that never change."""

import pytest
from sqlalchemy import func, select

from cluster_intranet.expertise import builders, checklist_versions, scoring
from cluster_intranet.expertise.models import ChecklistSection, ChecklistVersion, Criterion, ExpertSession
from cluster_intranet.extensions import db

from .conftest import build_session
from tests.messages import said as notice_of

CRITERION = {
    "wording": "Программа согласована с работодателями",
    "hint": "",
    "scale": "yes_no",
    "max_points": "",
    "weight": "1",
    "required": "y",
}


def said(response) -> tuple[str, str | None]:
    """What an in-place change says in the message area, and the id it puts the focus on (web.notice)."""
    message = notice_of(response)
    return message["text"], message["focus"]


def snapshot(version_id: int) -> list:
    """Everything a published version says, to compare before and after."""
    version = db.session.get(ChecklistVersion, version_id)
    db.session.refresh(version)
    return [version.title, version.status, version.protocol_ref] + [
        (
            s.id,
            s.title,
            s.position,
            [(c.id, c.wording, c.hint, c.scale, c.max_points, c.weight, c.required, c.position) for c in s.criteria],
        )
        for s in version.sections
    ]


def test_secretary_builds_a_draft_in_place(app, secretary, ctx):
    response = secretary.post("/expertise/checklists/new", data={"title": "Чек-лист оценки ОПОП"})
    assert response.status_code == 303
    version = db.session.scalar(select(ChecklistVersion))
    assert (version.number, version.status) == (1, "draft")

    body = secretary.hx("post", f"/expertise/checklists/{version.id}/sections", data={"title": "Соответствие ФГОС СПО"})
    assert body.status_code == 200 and "<html" not in body.get_data(as_text=True)
    assert "1. Соответствие ФГОС СПО" in body.get_data(as_text=True)
    section = db.session.scalar(select(ChecklistSection))
    assert said(body) == ("Раздел добавлен.", f"section-{section.id}")

    form = secretary.hx("get", f"/expertise/sections/{section.id}/criteria")
    assert form.status_code == 200 and f'id="new-criterion-{section.id}"' in form.get_data(as_text=True)
    added = secretary.hx(
        "post",
        f"/expertise/sections/{section.id}/criteria",
        data={**CRITERION, "scale": "points_n", "max_points": "5", "weight": "1,5"},
    )
    assert added.status_code == 200
    assert "Программа согласована с работодателями" in added.get_data(as_text=True)
    criterion = db.session.scalar(select(Criterion))
    assert said(added) == ("Критерий добавлен.", f"criterion-{criterion.id}")
    assert (criterion.scale, criterion.max_points, criterion.weight, criterion.required) == ("points_n", 5, 1.5, True)
    assert "0–5 баллов" in added.get_data(as_text=True)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"wording": ""}, "Заполните это поле."),
        ({"scale": "points_n", "max_points": ""}, "Для шкалы 0–N укажите N — целое число от 1 до 100."),
        ({"scale": "points_n", "max_points": "500"}, "Для шкалы 0–N укажите N — целое число от 1 до 100."),
        ({"weight": "много"}, "Введите число, например 1 или 1,5."),
        ({"weight": "0"}, "Вес — число больше 0 и не больше 100."),
        ({"wording": "к" * 2001}, "Не длиннее 2000 символов."),
    ],
)
def test_bad_criterion_is_refused_next_to_the_field(app, secretary, ctx, changes, message):
    version = builders.checklist(published=False)
    section = version.sections[0]
    before = len(section.criteria)
    db.session.commit()
    response = secretary.hx("post", f"/expertise/sections/{section.id}/criteria", data={**CRITERION, **changes})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert response.headers["HX-Retarget"] == f"#new-criterion-{section.id}"
    assert (
        db.session.scalar(select(func.count()).select_from(Criterion).where(Criterion.section_id == section.id))
        == before
    )


def test_criteria_and_sections_are_reordered_in_place(app, secretary, ctx):
    version = builders.checklist(published=False)
    first, second = version.sections
    c1, c2, c3 = second.criteria
    db.session.commit()
    response = secretary.hx("post", f"/expertise/criteria/{c3.id}/move/up")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.index(c3.wording) < body.index(c2.wording)
    assert said(response) == ("Порядок критериев изменён.", f"criterion-{c3.id}")
    assert [c.id for c in db.session.get(ChecklistSection, second.id).criteria] == [c1.id, c3.id, c2.id]
    moved = secretary.hx("post", f"/expertise/sections/{second.id}/move/up")
    assert said(moved) == ("Порядок разделов изменён.", f"section-{second.id}")
    assert [s.id for s in db.session.get(ChecklistVersion, version.id).sections] == [second.id, first.id]
    # The first cannot go further up: said, and nothing changes.
    top = secretary.hx("post", f"/expertise/sections/{second.id}/move/up")
    assert top.status_code == 422 and "Строка уже первая: выше некуда." in top.get_data(as_text=True)
    assert [s.id for s in db.session.get(ChecklistVersion, version.id).sections] == [second.id, first.id]
    assert secretary.hx("post", f"/expertise/sections/{second.id}/move/sideways").status_code == 404


def test_publishing_records_the_protocol(app, secretary, ctx):
    version = builders.checklist(published=False)
    db.session.commit()
    refused = secretary.hx("post", f"/expertise/checklists/{version.id}/publish", data={"protocol_ref": ""})
    assert refused.status_code == 422 and "Заполните это поле." in refused.get_data(as_text=True)
    assert db.session.get(ChecklistVersion, version.id).status == "draft"
    done = secretary.hx(
        "post", f"/expertise/checklists/{version.id}/publish", data={"protocol_ref": "Протокол № 1 от 15.11.2021"}
    )
    assert done.status_code == 200 and done.headers["HX-Redirect"].endswith(f"/expertise/checklists/{version.id}")
    version = db.session.get(ChecklistVersion, version.id)
    assert (version.status, version.protocol_ref) == ("published", "Протокол № 1 от 15.11.2021")
    assert version.published_at is not None and version.published_by_id is not None


def test_renaming_a_draft_validates_the_title_first(app, secretary, ctx):
    version = builders.checklist(published=False)
    db.session.commit()
    url = f"/expertise/checklists/{version.id}/title"
    # An empty title: the reason in the message area (HTMX), or on the checklist's page; the title stays.
    refused = secretary.hx("post", url, data={"title": "  "})
    assert refused.status_code == 422 and "Заполните это поле." in refused.get_data(as_text=True)
    plain = secretary.post(url, data={"title": ""}, follow_redirects=True)
    assert "Заполните это поле." in plain.get_data(as_text=True)
    assert db.session.get(ChecklistVersion, version.id).title == version.title
    done = secretary.hx("post", url, data={"title": "Чек-лист 2022 года"})
    assert done.status_code == 200 and done.headers["HX-Redirect"].endswith(f"/expertise/checklists/{version.id}")
    assert db.session.get(ChecklistVersion, version.id).title == "Чек-лист 2022 года"


def test_an_empty_section_cannot_be_published(app, secretary, ctx):
    version = builders.checklist(published=False)
    checklist_versions.add_section(version, "Пустой раздел")
    db.session.commit()
    response = secretary.hx(
        "post", f"/expertise/checklists/{version.id}/publish", data={"protocol_ref": "Протокол № 2"}
    )
    assert response.status_code == 422
    assert "в каждом разделе которого есть хотя бы один критерий" in response.get_data(as_text=True)
    assert db.session.get(ChecklistVersion, version.id).status == "draft"


def _edit_routes(version):
    section = version.sections[0]
    criterion = section.criteria[0]
    return [
        ("post", f"/expertise/checklists/{version.id}/title", {"title": "Другое название"}),
        ("post", f"/expertise/checklists/{version.id}/sections", {"title": "Новый раздел"}),
        ("post", f"/expertise/sections/{section.id}/edit", {"title": "Другой раздел"}),
        ("post", f"/expertise/sections/{section.id}/delete", {}),
        ("post", f"/expertise/sections/{section.id}/move/down", {}),
        ("post", f"/expertise/sections/{section.id}/criteria", CRITERION),
        ("post", f"/expertise/criteria/{criterion.id}/edit", {**CRITERION, "wording": "Изменённый критерий"}),
        ("post", f"/expertise/criteria/{criterion.id}/delete", {}),
        ("post", f"/expertise/criteria/{criterion.id}/move/down", {}),
        ("post", f"/expertise/checklists/{version.id}/publish", {"protocol_ref": "Протокол № 9"}),
        ("post", f"/expertise/checklists/{version.id}/delete", {}),
        ("get", f"/expertise/sections/{section.id}/edit", None),
        ("get", f"/expertise/sections/{section.id}/criteria", None),
        ("get", f"/expertise/criteria/{criterion.id}/edit", None),
    ]


def test_a_published_version_cannot_change_through_any_route(app, admin, ctx):
    version = builders.checklist()
    db.session.commit()
    before = snapshot(version.id)
    for method, url, data in _edit_routes(version):
        response = admin.hx(method, url, data=data)
        assert response.status_code == 409, (url, response.status_code)
        assert "опубликован" in response.get_data(as_text=True), url
        # Without HTMX the same refusal comes back as a message on the checklist's page.
        plain = admin.open(url, method=method.upper(), data=data)
        assert plain.status_code == 303 and f"/expertise/checklists/{version.id}" in plain.location, url
    assert snapshot(version.id) == before


def test_editing_a_published_version_makes_the_next_draft_and_sessions_keep_theirs(app, secretary, ctx):
    session, _ = build_session(experts=0)
    v1 = session.checklist_version
    db.session.commit()
    before = snapshot(v1.id)

    response = secretary.post(f"/expertise/checklists/{v1.id}/new-version")
    assert response.status_code == 303
    v2 = db.session.scalar(select(ChecklistVersion).where(ChecklistVersion.number == 2))
    assert v2.template_id == v1.template_id and v2.status == "draft"
    assert [c.wording for c in v2.criteria] == [c.wording for c in db.session.get(ChecklistVersion, v1.id).criteria]
    # A second click opens the same draft instead of making another.
    secretary.post(f"/expertise/checklists/{v1.id}/new-version")
    assert db.session.scalar(select(func.count()).select_from(ChecklistVersion)) == 2

    criterion = v2.sections[0].criteria[0]
    edited = secretary.hx(
        "post", f"/expertise/criteria/{criterion.id}/edit", data={**CRITERION, "wording": "Новая формулировка"}
    )
    assert edited.status_code == 200
    secretary.hx("post", f"/expertise/checklists/{v2.id}/publish", data={"protocol_ref": "Протокол № 3 от 01.03.2022"})

    assert snapshot(v1.id) == before
    assert db.session.get(ExpertSession, session.id).checklist_version_id == v1.id
    page = secretary.get(f"/expertise/sessions/{session.id}").get_data(as_text=True)
    assert "версия 1" in page
    data = scoring.load_session(session.id)
    assert "Новая формулировка" not in [c.wording for c in data.criteria]


def test_drafts_are_the_secretaries_business(app, viewer, secretary, ctx):
    draft = builders.checklist(published=False, title="Черновой чек-лист")
    published = builders.checklist(title="Действующий чек-лист")
    db.session.commit()
    assert viewer.get(f"/expertise/checklists/{draft.id}").status_code == 403
    assert viewer.get(f"/expertise/checklists/{published.id}").status_code == 200
    listing = viewer.get("/expertise/checklists").get_data(as_text=True)
    assert "Действующий чек-лист" in listing and "Черновой чек-лист" not in listing
    assert "Черновой чек-лист" in secretary.get("/expertise/checklists").get_data(as_text=True)


def test_a_draft_can_be_deleted(app, secretary, ctx):
    draft = builders.checklist(published=False)
    db.session.commit()
    response = secretary.post(f"/expertise/checklists/{draft.id}/delete")
    assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(ChecklistVersion)) == 0
    assert db.session.scalar(select(func.count()).select_from(Criterion)) == 0
