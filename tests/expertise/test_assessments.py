"""An expert's checklist: answers saved one by one, submitting, locking and reopening, who sees what."""

import io
from urllib.parse import unquote

import docx
import pytest
from sqlalchemy import func, select

from cluster_intranet.expertise import builders, documents, scoring, services
from cluster_intranet.expertise.models import Answer, Assessment, ExpertSession
from cluster_intranet.auth.roles import Role
from cluster_intranet.documents.grammar import genitive
from cluster_intranet.extensions import db
from tests import factories

from .conftest import answer_and_submit_all, build_expert, build_session


@pytest.fixture
def setup(app, ctx):
    """An open session with three experts; the criteria of its checklist in order."""
    session, assigned = build_session(experts=3)
    criteria = session.checklist_version.criteria
    db.session.commit()
    return session, assigned, criteria


def save_url(assessment, criterion):
    return f"/expertise/assessments/{assessment.id}/answers/{criterion.id}"


def test_an_answer_is_saved_as_the_expert_goes(setup, signed_in):
    session, assigned, criteria = setup
    assessment, email = assigned[0]
    expert = signed_in(email)
    conformity = criteria[0]
    response = expert.hx("post", save_url(assessment, conformity), data={"value": "2", "comment": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert "✓ Сохранено" in body
    assert '<strong id="answered-count" hx-swap-oob="true">1</strong>' in body
    answer = db.session.scalar(select(Answer))
    assert (answer.value, answer.comment, answer.criterion_id) == (2, "", conformity.id)

    # The same row again: the answer is replaced, not duplicated; a lower mark asks for a comment.
    lower = expert.hx("post", save_url(assessment, conformity), data={"value": "1", "comment": ""})
    assert "поясните в комментарии" in lower.get_data(as_text=True)
    commented = expert.hx(
        "post", save_url(assessment, conformity), data={"value": "1", "comment": "Нет учебного плана"}
    )
    assert "поясните в комментарии" not in commented.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 1
    assert db.session.scalar(select(Answer.comment)) == "Нет учебного плана"

    page = expert.get(f"/expertise/assessments/{assessment.id}").get_data(as_text=True)
    assert f'id="v-{conformity.id}-1" value="1" autocomplete="off" checked' in page
    assert "Нет учебного плана" in page
    assert db.session.get(Assessment, assessment.id).last_answer_at is not None


@pytest.mark.parametrize(
    "criterion_index, data, message",
    [
        (0, {"value": "5"}, "Выберите один из предложенных вариантов ответа."),  # conformity: 0..2
        (1, {"value": "да"}, "Выберите один из предложенных вариантов ответа."),
        (3, {"value": "6"}, "Выберите один из предложенных вариантов ответа."),  # 0..5
        (0, {"value": "2", "comment": "к" * 2001}, "Не длиннее 2000 символов."),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_saved(setup, signed_in, criterion_index, data, message):
    session, assigned, criteria = setup
    assessment, email = assigned[0]
    response = signed_in(email).hx("post", save_url(assessment, criteria[criterion_index]), data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert "✗ Не сохранено" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0


def test_a_criterion_of_another_checklist_is_not_found(setup, signed_in):
    session, assigned, criteria = setup
    other = builders.checklist()
    db.session.commit()
    assessment, email = assigned[0]
    response = signed_in(email).hx("post", save_url(assessment, other.criteria[0]), data={"value": "1"})
    assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0


def test_without_javascript_the_rows_button_saves_and_comes_back(setup, signed_in):
    session, assigned, criteria = setup
    assessment, email = assigned[0]
    response = signed_in(email).post(save_url(assessment, criteria[1]), data={"value": "1", "comment": ""})
    assert response.status_code == 303
    assert response.location.endswith(f"/expertise/assessments/{assessment.id}#criterion-{criteria[1].id}")
    assert db.session.scalar(select(Answer.value)) == 1


def test_submitting_needs_required_answers_comments_and_a_verdict(setup, signed_in):
    session, assigned, criteria = setup
    assessment, email = assigned[0]
    expert = signed_in(email)
    url = f"/expertise/assessments/{assessment.id}/submit"
    # Nothing answered: every required criterion is listed, by its number.
    refused = expert.hx("post", url, data={"verdict": "", "remarks": ""})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and refused.headers["HX-Retarget"] == "#submit-block"
    assert "Не отвечены обязательные критерии 1.1, 1.2, 2.1, 2.2." in body
    assert "Не выбрана итоговая рекомендация." in body
    # All required answered, one below the maximum without a comment; the optional 2.3 left out.
    for criterion, value in zip(criteria[:4], ["2", "0", "2", "5"]):
        expert.hx("post", save_url(assessment, criterion), data={"value": value, "comment": ""})
    refused = expert.hx("post", url, data={"verdict": "recommend"})
    assert refused.status_code == 422
    assert "Нет комментария к оценке ниже максимальной: критерий 1.2." in refused.get_data(as_text=True)
    assert db.session.get(Assessment, assessment.id).submitted_at is None

    expert.hx("post", save_url(assessment, criteria[1]), data={"value": "0", "comment": "Рабочих программ нет"})
    done = expert.hx("post", url, data={"verdict": "revise", "remarks": "Доработать рабочие программы."})
    assert done.status_code == 200 and done.headers["HX-Redirect"].endswith(f"/expertise/assessments/{assessment.id}")
    assessment = db.session.get(Assessment, assessment.id)
    assert assessment.submitted_at is not None
    assert (assessment.verdict, assessment.remarks) == ("revise", "Доработать рабочие программы.")


def test_a_submitted_checklist_is_locked_until_a_secretary_reopens_it(setup, signed_in, secretary):
    session, assigned, criteria = setup
    assessment, email = assigned[0]
    answer_and_submit_all(session)
    db.session.commit()
    expert = signed_in(email)

    locked = expert.hx("post", save_url(assessment, criteria[0]), data={"value": "0", "comment": "поздно"})
    assert locked.status_code == 409 and "Чек-лист отправлен и закрыт для изменений" in locked.get_data(as_text=True)
    assert (
        expert.hx("post", f"/expertise/assessments/{assessment.id}/submit", data={"verdict": "reject"}).status_code
        == 409
    )
    page = expert.get(f"/expertise/assessments/{assessment.id}").get_data(as_text=True)
    assert "data-autosave" not in page and "Отправить чек-лист" not in page
    assert (
        db.session.scalar(
            select(Answer.value).where(Answer.criterion_id == criteria[0].id, Answer.assessment_id == assessment.id)
        )
        == 2
    )

    # An expert cannot reopen; a secretary must give a reason.
    url = f"/expertise/assessments/{assessment.id}/reopen"
    assert expert.hx("post", url, data={"reason": "хочу исправить"}).status_code == 403
    refused = secretary.hx("post", url, data={"reason": ""})
    assert refused.status_code == 422 and "Заполните это поле." in refused.get_data(as_text=True)
    assert db.session.get(Assessment, assessment.id).submitted_at is not None
    reopened = secretary.hx("post", url, data={"reason": "Уточните оценку по критерию 2.2"})
    assert reopened.status_code == 200
    assessment = db.session.get(Assessment, assessment.id)
    assert assessment.submitted_at is None and assessment.reopen_reason == "Уточните оценку по критерию 2.2"
    page = expert.get(f"/expertise/assessments/{assessment.id}").get_data(as_text=True)
    assert "Уточните оценку по критерию 2.2" in page and "data-autosave" in page
    assert (
        expert.hx("post", save_url(assessment, criteria[0]), data={"value": "1", "comment": "исправлено"}).status_code
        == 200
    )


def test_a_completed_session_is_locked_for_everyone(setup, secretary, app):
    session, assigned, criteria = setup
    answer_and_submit_all(session)
    documents.confirm_conclusion(scoring.load_session(session.id), "recommend", "", None)
    db.session.commit()
    assessment = assigned[0][0]
    assert (
        secretary.hx("post", f"/expertise/assessments/{assessment.id}/reopen", data={"reason": "поздно"}).status_code
        == 409
    )
    assert (
        secretary.hx("post", f"/expertise/sessions/{session.id}/conclusion", data={"verdict": "reject"}).status_code
        == 409
    )
    expert, _ = build_expert()
    db.session.commit()
    assert (
        secretary.hx("post", f"/expertise/sessions/{session.id}/experts", data={"person_id": expert.id}).status_code
        == 409
    )
    assert db.session.get(ExpertSession, session.id).conclusion == "recommend"


def test_experts_see_only_their_own_sessions(setup, signed_in):
    session, assigned, criteria = setup
    (mine, email), (colleague, _), _ = assigned
    outsider_person, outsider_email = build_expert()
    db.session.commit()
    outsider = signed_in(outsider_email)
    for url in (
        f"/expertise/sessions/{session.id}",
        f"/expertise/assessments/{mine.id}",
        f"/expertise/assessments/{mine.id}/checklist.docx",
        f"/expertise/sessions/{session.id}/conclusion.docx",
    ):
        assert outsider.get(url).status_code == 403, url
    assert outsider.hx("post", save_url(mine, criteria[0]), data={"value": "2"}).status_code == 403
    assert (
        outsider.hx("post", f"/expertise/assessments/{mine.id}/submit", data={"verdict": "recommend"}).status_code
        == 403
    )
    assert outsider.get(f"/expertise/sessions/{session.id}/progress").status_code == 403
    assert session.programme.title not in outsider.get("/expertise/").get_data(as_text=True)

    expert = signed_in(email)
    # The session's page leads an assigned expert to their own checklist; a colleague's is closed.
    to_own = expert.get(f"/expertise/sessions/{session.id}")
    assert to_own.status_code == 302 and to_own.location.endswith(f"/expertise/assessments/{mine.id}")
    assert expert.get(f"/expertise/assessments/{colleague.id}").status_code == 403
    assert expert.hx("post", save_url(colleague, criteria[0]), data={"value": "0"}).status_code == 403
    assert session.programme.title in expert.get("/expertise/").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0


def test_experts_see_the_others_answers_only_after_submitting_their_own(setup, signed_in):
    session, assigned, criteria = setup
    (mine, email), (colleague, _), _ = assigned
    builders.answer_all(colleague, session.checklist_version.criteria, value=lambda c: 0, comment="Замечание коллеги")
    data = scoring.load_session(session.id)
    services.submit(data, data.assessments[1], "reject", "")
    db.session.commit()
    expert = signed_in(email)
    before = expert.get(f"/expertise/assessments/{mine.id}").get_data(as_text=True)
    assert "Замечание коллеги" not in before and colleague.person.short_name not in before
    assert "станут видны после отправки" in before

    builders.answer_all(mine, session.checklist_version.criteria)
    data = scoring.load_session(session.id)
    services.submit(data, data.assessments[0], "recommend", "")
    db.session.commit()
    after = expert.get(f"/expertise/assessments/{mine.id}").get_data(as_text=True)
    assert "Оценки всех экспертов" in after
    assert "Замечание коллеги" in after and colleague.person.short_name in after


def test_a_page_that_shows_no_other_checklist_reads_one_checklists_answers(setup, secretary):
    """Anyone but the expert sees one checklist on its page: its answers alone are read (a tenth
    of the session's with ten experts), and the results, which need everyone's, are refused."""
    session, assigned, criteria = setup
    (mine, _), (colleague, _), _ = assigned
    builders.answer_all(mine, criteria, value=lambda c: 0, comment="Мой комментарий")
    builders.answer_all(colleague, criteria, value=lambda c: 0, comment="Замечание коллеги")
    db.session.commit()
    everything = scoring.load_session(session.id)
    alone = scoring.load_session(session.id, answers_of=mine.id)
    assert set(alone.answers) == {key for key in everything.answers if key[0] == mine.id} and alone.answers
    assert alone.counted(mine) == everything.counted(mine) == (len(criteria), len(criteria))
    with pytest.raises(ValueError):
        scoring.results(alone)  # the others' answers would read as missing
    page = secretary.get(f"/expertise/assessments/{mine.id}").get_data(as_text=True)
    assert "Мой комментарий" in page and "Замечание коллеги" not in page


def test_viewers_see_results_only_after_completion(setup, viewer):
    session, assigned, criteria = setup
    answer_and_submit_all(session)
    db.session.commit()
    assert viewer.get(f"/expertise/sessions/{session.id}").status_code == 403
    assert viewer.get(f"/expertise/assessments/{assigned[0][0].id}").status_code == 403
    documents.confirm_conclusion(scoring.load_session(session.id), "recommend", "", None)
    db.session.commit()
    page = viewer.get(f"/expertise/sessions/{session.id}")
    assert page.status_code == 200 and "Результаты экспертизы" in page.get_data(as_text=True)
    assert "Утвердить заключение" not in page.get_data(as_text=True)
    assert viewer.get(f"/expertise/assessments/{assigned[0][0].id}").status_code == 200
    assert viewer.hx("post", save_url(assigned[0][0], criteria[0]), data={"value": "0"}).status_code == 403


def test_a_secretary_may_enter_a_paper_checklist_for_an_expert(setup, secretary):
    session, assigned, criteria = setup
    assessment, _ = assigned[0]
    assessment.person.surname, assessment.person.first_name, assessment.person.patronymic = (
        "Иванова",
        "Марина",
        "Сергеевна",
    )
    db.session.commit()
    page = secretary.get(f"/expertise/assessments/{assessment.id}").get_data(as_text=True)
    assert "Вы вносите ответы за эксперта Иванову М.С. —" in page  # за кого: the accusative
    assert secretary.hx("post", save_url(assessment, criteria[0]), data={"value": "2"}).status_code == 200
    assert db.session.scalar(select(Answer.value)) == 2


def test_a_paper_checklist_sent_by_the_secretary_says_whose_it_was(setup, secretary):
    """«Теперь вам видны оценки других экспертов» is the expert's news; the secretary, who sees
    them anyway, is told whose checklist went."""
    session, assigned, criteria = setup
    assessment, _ = assigned[0]
    builders.answer_all(assessment, criteria)
    db.session.commit()
    url = f"/expertise/assessments/{assessment.id}/submit"
    page = secretary.post(url, data={"verdict": "recommend"}, follow_redirects=True).get_data(as_text=True)
    assert f"Чек-лист эксперта {genitive(assessment.person.short_name)} отправлен." in page
    assert "Теперь вам видны" not in page


def test_a_paper_checklist_entered_by_the_secretary_marks_no_answer_as_changed(setup, login_as, signed_in):
    """The expert never sent it: the secretary's answers are the paper's, not changes to the
    expert's. The checklist says once who entered and sent it; no answer says «Изменено не
    экспертом» — neither before nor after it is returned and corrected."""
    session, assigned, criteria = setup
    person = factories.person(surname="Петрова", first_name="Анна", patronymic="Андреевна")
    db.session.commit()
    secretary = login_as(Role.SECRETARY, person_id=person.id)
    assessment, email = assigned[0]
    for criterion in criteria:
        saved = secretary.hx("post", save_url(assessment, criterion), data={"value": str(criterion.max_value)})
        assert saved.status_code == 200
    url = f"/expertise/assessments/{assessment.id}/submit"
    assert secretary.post(url, data={"verdict": "recommend", "remarks": ""}).status_code == 303
    secretary.hx("post", f"/expertise/assessments/{assessment.id}/reopen", data={"reason": "Опечатка в бумажном"})
    corrected = secretary.hx("post", save_url(assessment, criteria[0]), data={"value": "1", "comment": "По бумаге 1"})
    assert corrected.status_code == 200
    secretary.post(url, data={"verdict": "recommend", "remarks": ""})

    marked = db.session.scalars(select(Answer.changed_by_name).where(Answer.assessment_id == assessment.id)).all()
    assert len(marked) == len(criteria) and set(marked) == {""}
    page = signed_in(email).get(f"/expertise/assessments/{assessment.id}").get_data(as_text=True)
    assert "Изменено не экспертом" not in page
    assert "(внесена и отправлена не экспертом: секретарь Петрова А.А.)" in page


def test_the_save_request_is_cheap(setup, signed_in, count_queries):
    session, assigned, criteria = setup
    assessment, email = assigned[0]
    expert = signed_in(email)
    url = save_url(assessment, criteria[0])
    expert.hx("post", url, data={"value": "2"})
    headers = {"HX-Request": "true", "X-CSRFToken": expert.csrf_token()}
    with count_queries() as counter:
        response = expert.open(url, method="POST", data={"value": "1", "comment": "x"}, headers=headers, csrf=False)
    assert response.status_code == 200
    # The user, the checklist with its session, the criterion, the guarded touch, the answer
    # (read and write), the answered count.
    assert counter.count <= 8, "\n".join(counter.statements)


def test_an_optional_criterion_left_unscored_is_not_counted_as_missing(setup, secretary, signed_in):
    session, assigned, criteria = setup
    optional = [c for c in criteria if not c.required]
    assert optional, "the checklist of the fixtures has an optional criterion"
    assessment, email = assigned[0]
    builders.answer_all(
        assessment, session.checklist_version.criteria, value=lambda c: c.max_value if c.required else None
    )
    db.session.commit()
    required = len(criteria) - len(optional)
    page = signed_in(email).get(f"/expertise/assessments/{assessment.id}").get_data(as_text=True)
    assert f'<strong id="answered-count" >{required}</strong> из <span id="answered-total" >{required}</span>' in page
    progress = secretary.get(f"/expertise/sessions/{session.id}").get_data(as_text=True)
    assert f"{required} из {required}</div>" in progress and f'value="{required}" max="{required}"' in progress
    saved = signed_in(email).hx("post", save_url(assessment, optional[0]), data={"value": "1", "comment": "Частично"})
    body = saved.get_data(as_text=True)  # answered now, it counts: both numbers grow
    assert (
        f'hx-swap-oob="true">{required + 1}</strong> из <span id="answered-total" hx-swap-oob="true">{required + 1}</span>'
        in body
    )


def test_a_secretarys_change_to_a_returned_checklist_is_marked_as_such(setup, login_as, signed_in, viewer):
    session, assigned, criteria = setup
    answer_and_submit_all(session)
    person = factories.person(surname="Петрова", first_name="Анна", patronymic="Андреевна")
    db.session.commit()
    secretary = login_as(Role.SECRETARY, person_id=person.id)
    assessment, email = assigned[0]
    secretary.hx(
        "post", f"/expertise/assessments/{assessment.id}/reopen", data={"reason": "Бумажный чек-лист исправлен"}
    )
    same = secretary.hx("post", save_url(assessment, criteria[1]), data={"value": "1", "comment": ""})
    assert same.status_code == 200  # saved unchanged: still the expert's answer
    changed = secretary.hx(
        "post", save_url(assessment, criteria[0]), data={"value": "1", "comment": "Со слов эксперта"}
    )
    assert changed.status_code == 200
    sent = secretary.hx(
        "post", f"/expertise/assessments/{assessment.id}/submit", data={"verdict": "revise", "remarks": ""}
    )
    assert sent.status_code in (200, 303), sent.get_data(as_text=True)
    names = dict(
        db.session.execute(
            select(Answer.criterion_id, Answer.changed_by_name).where(Answer.assessment_id == assessment.id)
        ).all()
    )
    assert names[criteria[0].id] == "секретарь Петрова А.А." and names[criteria[1].id] == ""
    assert db.session.get(Assessment, assessment.id).submitted_by_name == "секретарь Петрова А.А."

    page = signed_in(email).get(f"/expertise/assessments/{assessment.id}").get_data(as_text=True)
    assert page.count("Изменено не экспертом: секретарь Петрова А.А.") == 1
    assert "(внесена и отправлена не экспертом: секретарь Петрова А.А.)" in page
    progress = secretary.get(f"/expertise/sessions/{session.id}").get_data(as_text=True)
    assert "отправил не эксперт: секретарь Петрова А.А." in progress
    checklist = secretary.get(f"/expertise/assessments/{assessment.id}/checklist.docx")
    text = "\n".join(c.text for t in docx.Document(io.BytesIO(checklist.data)).tables for r in t.rows for c in r.cells)
    assert "Со слов эксперта (изменено не экспертом: секретарь Петрова А.А.)" in text

    # Returned again, the expert's own save makes the answer the expert's again.
    secretary.hx("post", f"/expertise/assessments/{assessment.id}/reopen", data={"reason": "Проверьте сами"})
    signed_in(email).hx("post", save_url(assessment, criteria[0]), data={"value": "1", "comment": "Согласен"})
    assert (
        db.session.scalar(
            select(Answer.changed_by_name).where(
                Answer.criterion_id == criteria[0].id, Answer.assessment_id == assessment.id
            )
        )
        == ""
    )


@pytest.mark.parametrize(
    "title, heading",
    [
        ("Экспертный чек-лист оценки ОПОП СПО", "Экспертный чек-лист оценки ОПОП СПО, версия 1"),
        ("Чек-лист программ 2021", "Экспертный чек-лист · Чек-лист программ 2021, версия 1"),
    ],
)
def test_the_checklist_is_named_once_above_the_programme(app, ctx, signed_in, title, heading):
    """Not «Экспертный чек-лист · Экспертный чек-лист оценки…» (issue 16, wording)."""
    session, assigned = build_session(experts=1, version=builders.checklist(title=title))
    db.session.commit()
    assessment, email = assigned[0]
    page = signed_in(email).get(f"/expertise/assessments/{assessment.id}").get_data(as_text=True)
    shown = page.split('<p class="text-muted mb-1">', 1)[1].split("</p>", 1)[0]
    assert shown == heading


@pytest.mark.parametrize("place", ["", "ауд. 210"])
def test_the_session_line_reads_without_a_double_stop(app, ctx, signed_in, place):
    """«Экспертная сессия 5 декабря 2026 г. · отправить чек-лист до 05.12.2026», not «г.. Отправить»
    when the session has no place (found by the real-use pass, issue 20)."""
    session, assigned = build_session(experts=1)
    session.place, session.deadline = place, session.held_on
    db.session.commit()
    assessment, email = assigned[0]
    page = signed_in(email).get(f"/expertise/assessments/{assessment.id}").get_data(as_text=True)
    line = " ".join(page.split('class="mb-0 text-muted session-when">', 1)[1].split("</p>", 1)[0].split())
    where = f", {place}" if place else ""
    assert line == f"Экспертная сессия 3 декабря 2021 г.{where} · отправить чек-лист до <strong>03.12.2021</strong>"


def test_a_checklist_left_half_done_says_so_in_my_checklists(setup, signed_in):
    # An expert who answered half and came back found «Ждёт заполнения» and «Заполнить», as if
    # nothing had been saved.
    session, assigned, criteria = setup
    (mine, email), _, _ = assigned
    builders.answer_all(mine, criteria[:2])
    db.session.commit()
    page = signed_in(email).get("/expertise/").get_data(as_text=True)
    row = page[page.index(f'id="my-assessment-{mine.id}"') :]
    row = row[: row.index("</tr>")]
    answered, out_of = services.answered_count(mine)
    assert answered == 2 and f"Заполняется: 2 из {out_of}" in row and "Продолжить" in row
    assert "Ждёт заполнения" not in row and "Заполнить" not in row


def test_whose_checklist_reads_in_the_genitive(app, ctx, secretary):
    # «Чек-лист эксперта Иванова М.С. отправлен.» and «Чек-лист эксперта Иванова М.С. — 15.02.08.docx».
    person, _ = build_expert()
    person.surname, person.first_name, person.patronymic = "Иванова", "Мария", "Сергеевна"
    session = builders.session(builders.programme(), builders.checklist(), [person.id])
    [assessment] = session.assessments
    builders.answer_all(assessment, session.checklist_version.criteria)
    db.session.commit()
    url = f"/expertise/assessments/{assessment.id}"
    page = secretary.post(f"{url}/submit", data={"verdict": "recommend"}, follow_redirects=True).get_data(as_text=True)
    assert "Чек-лист эксперта Ивановой М.С. отправлен." in page
    disposition = secretary.get(f"{url}/checklist.docx").headers["Content-Disposition"]
    assert "Чек-лист эксперта Ивановой М.С." in unquote(disposition)
