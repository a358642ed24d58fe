"""Expert sessions: programmes, experts, live progress, results on real data, the conclusion."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from cluster_intranet.auth.roles import Role
from cluster_intranet.directory.models import OrganizationKind
from cluster_intranet.expertise import builders, documents, scoring, services
from cluster_intranet.expertise.models import Assessment, ExpertSession, Programme, Scale
from cluster_intranet.extensions import db
from tests import factories
from tests.conftest import make_user

from .conftest import answer_and_submit_all, build_expert, build_session, submit_all

PROGRAMME = {
    "code": "13.02.11",
    "name": "Техническая эксплуатация и обслуживание электрического и электромеханического оборудования",
    "qualification": "Техник",
    "study_form": "full_time",
    "intake_year": "2021",
}


def test_secretary_registers_a_programme(app, secretary, ctx):
    college = factories.organization(kind=OrganizationKind.TECHNICAL_SCHOOL.value)
    db.session.commit()
    response = secretary.post("/expertise/programmes/new", data={**PROGRAMME, "college_id": college.id})
    assert response.status_code == 303
    programme = db.session.scalar(select(Programme))
    assert (programme.code, programme.college_id, programme.approval_status) == (
        "13.02.11",
        college.id,
        "not_evaluated",
    )
    found = secretary.hx("get", "/expertise/programmes?q=ЭЛЕКТРИЧ")
    assert found.status_code == 200 and "13.02.11" in found.get_data(as_text=True)
    assert "<html" not in found.get_data(as_text=True)
    assert "13.02.11" not in secretary.hx("get", "/expertise/programmes?q=нефть").get_data(as_text=True)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"code": "15.2.08"}, "Код — шесть цифр через точки, например 15.02.08."),
        ({"code": "15-02-08"}, "Код — шесть цифр через точки, например 15.02.08."),
        ({"code": ""}, "Заполните это поле."),
        ({"intake_year": "1990"}, "Год набора — от 2000 до 2100."),
        ({"college_id": ""}, "Выберите колледж или техникум."),
    ],
)
def test_bad_programme_is_refused_in_russian(app, secretary, ctx, changes, message):
    college = factories.organization(kind=OrganizationKind.COLLEGE.value)
    db.session.commit()
    response = secretary.post("/expertise/programmes/new", data={**PROGRAMME, "college_id": college.id, **changes})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Programme)) == 0


def test_a_programme_must_be_taught_by_a_college(app, secretary, ctx):
    employer = factories.organization(kind=OrganizationKind.EMPLOYER.value)
    db.session.commit()
    response = secretary.post("/expertise/programmes/new", data={**PROGRAMME, "college_id": employer.id})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Programme)) == 0


def test_a_session_puts_the_programme_in_evaluation_and_needs_a_published_checklist(app, secretary, ctx):
    programme = builders.programme()
    draft = builders.checklist(published=False)
    published = builders.checklist()
    db.session.commit()
    form = {"programme_id": programme.id, "held_on": "2021-12-03", "place": "ауд. 210"}
    refused = secretary.post("/expertise/sessions/new", data={**form, "checklist_version_id": draft.id})
    assert refused.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(ExpertSession)) == 0
    done = secretary.post("/expertise/sessions/new", data={**form, "checklist_version_id": published.id})
    assert done.status_code == 303
    session = db.session.scalar(select(ExpertSession))
    assert session.held_on == dt.date(2021, 12, 3)
    assert db.session.get(Programme, programme.id).approval_status == "in_evaluation"
    second = secretary.post("/expertise/sessions/new", data={**form, "checklist_version_id": published.id})
    assert second.status_code == 422 and "уже идёт экспертная сессия" in second.get_data(as_text=True)


def test_a_session_has_a_meeting_date_and_a_deadline_for_the_experts(app, secretary, ctx):
    programme, published = builders.programme(), builders.checklist()
    db.session.commit()
    form = {"programme_id": programme.id, "checklist_version_id": published.id, "held_on": "2021-12-03", "place": ""}
    late = secretary.post("/expertise/sessions/new", data={**form, "deadline": "2021-12-05"})
    assert late.status_code == 422 and "Срок для экспертов — не позже даты заседания." in late.get_data(as_text=True)
    done = secretary.post("/expertise/sessions/new", data={**form, "deadline": "2021-12-01"})
    assert done.status_code == 303
    session = db.session.scalar(select(ExpertSession))
    assert (session.held_on, session.deadline) == (dt.date(2021, 12, 3), dt.date(2021, 12, 1))
    page = secretary.get(f"/expertise/sessions/{session.id}").get_data(as_text=True)
    assert "Заседание 3 декабря 2021 г." in page and "чек-листы до 01.12.2021" in page


def test_experts_are_employers_people_with_an_expert_account(app, secretary, ctx):
    session, _ = build_session(experts=0)
    college_person = factories.person(organization=factories.organization(kind=OrganizationKind.COLLEGE.value))
    make_user(Role.EXPERT, "college@cluster.test", college_person.id)
    no_account = factories.person(organization=factories.organization(kind=OrganizationKind.EMPLOYER.value))
    expert, _ = build_expert()
    db.session.commit()
    url = f"/expertise/sessions/{session.id}/experts"
    refused = secretary.hx("post", url, data={"person_id": college_person.id})
    assert refused.status_code == 422 and "организацию-работодателя" in refused.get_data(as_text=True)
    refused = secretary.hx("post", url, data={"person_id": no_account.id})
    assert refused.status_code == 422 and "нет учётной записи эксперта" in refused.get_data(as_text=True)
    assert secretary.hx("post", url, data={}).status_code == 422
    assert secretary.hx("post", url, data={"person_id": expert.id}).status_code == 200
    again = secretary.hx("post", url, data={"person_id": expert.id})
    assert again.status_code == 422 and "уже участвует" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Assessment)) == 1
    page = secretary.get(f"/expertise/sessions/{session.id}").get_data(as_text=True)
    assert expert.short_name in page


def test_the_secretary_sees_progress_live(app, secretary, ctx):
    session, assigned = build_session(experts=2)
    version = session.checklist_version
    builders.answer_all(assigned[0][0], version.criteria)
    db.session.commit()
    url = f"/expertise/sessions/{session.id}/progress?known=0"
    polled = secretary.hx("get", url)
    body = polled.get_data(as_text=True)
    assert polled.status_code == 200 and "<html" not in body
    assert 'hx-trigger="every 5s"' in body
    required = sum(1 for c in version.criteria if c.required)  # the optional one, answered, counts too
    assert f"{len(version.criteria)} из {len(version.criteria)}" in body and f"0 из {required}" in body
    assert "HX-Trigger" not in polled.headers

    submit_all_one = scoring.load_session(session.id)
    services.submit(submit_all_one, submit_all_one.assessments[0], "recommend", "")
    db.session.commit()
    polled = secretary.hx("get", url)
    assert polled.headers["HX-Trigger"] == "assessmentsChanged"  # the results region reloads
    assert "known=1" in polled.get_data(as_text=True)


def test_results_apply_weights_and_skip_unanswered_optional_criteria(app, ctx):
    version = builders.checklist()  # criteria: conformity ×1,5; yes/no ×1; 0–2 ×2; 0–5 ×1; optional 0–2 ×1
    session, assigned = build_session(experts=2, version=version)
    (a1, _), (a2, _) = assigned
    values_1 = [2, 1, 2, 5, None]  # the optional one left unanswered
    values_2 = [1, 0, 1, 3, 2]
    for assessment, values in ((a1, values_1), (a2, values_2)):
        builders.answer_all(
            assessment, version.criteria, value=lambda c, v=dict(zip([c.id for c in version.criteria], values)): v[c.id]
        )
    submit_all(session)
    db.session.commit()

    data = scoring.load_session(session.id)
    result = scoring.results(data)
    fgos, practice = result.sections
    assert [row.mean for row in fgos.rows] == [1.5, 0.5]
    assert fgos.score == scoring.Score(1.5 * 1.5 + 0.5 * 1, 2 * 1.5 + 1 * 1)
    assert [row.mean for row in practice.rows] == [1.5, 4, 2]  # the optional one: only the second expert
    assert practice.score == scoring.Score(1.5 * 2 + 4 * 1 + 2 * 1, 2 * 2 + 5 * 1 + 2 * 1)
    assert result.total == fgos.score + practice.score
    # Each expert's own score: the unanswered optional criterion is out of the first one's maximum.
    assert result.expert_totals[a1.id] == scoring.Score(2 * 1.5 + 1 + 2 * 2 + 5, 3 + 1 + 4 + 5)
    assert result.expert_totals[a2.id] == scoring.Score(1 * 1.5 + 0 + 1 * 2 + 3 + 2, 3 + 1 + 4 + 5 + 2)
    assert result.proposal is not None


def test_the_conclusion_needs_enough_submitted_experts(app, login_as, ctx):
    person = factories.person()
    db.session.commit()
    secretary = login_as(Role.SECRETARY, person_id=person.id)  # the conclusion is signed by a name
    session, assigned = build_session(experts=2)
    answer_and_submit_all(session)
    db.session.commit()
    url = f"/expertise/sessions/{session.id}/conclusion"
    refused = secretary.hx("post", url, data={"verdict": "recommend", "text": ""})
    assert refused.status_code == 422
    assert "Нужно не менее 3 экспертов, отправивших чек-листы; сейчас 2." in refused.get_data(as_text=True)
    assert db.session.get(ExpertSession, session.id).status == "open"

    app.config["EXPERTISE_MIN_EXPERTS"] = 2
    try:
        done = secretary.hx("post", url, data={"verdict": "revise", "text": "Доработать ФОС."})
    finally:
        app.config["EXPERTISE_MIN_EXPERTS"] = 3
    assert done.status_code == 200 and "HX-Redirect" in done.headers
    session = db.session.get(ExpertSession, session.id)
    programme = session.programme
    assert (session.status, session.conclusion, session.conclusion_text) == ("completed", "revise", "Доработать ФОС.")
    assert (programme.approval_status, programme.decided_by_session_id) == ("approved_after_revision", session.id)
    assert programme.decided_on == session.concluded_on


def test_the_conclusion_waits_for_every_assigned_expert(app, secretary, ctx):
    session, assigned = build_session(experts=3)
    for assessment, _ in assigned[:2]:
        builders.answer_all(assessment, session.checklist_version.criteria)
    data = scoring.load_session(session.id)
    for assessment in data.assessments[:2]:
        services.submit(data, assessment, "recommend", "")
    db.session.commit()
    response = secretary.hx("post", f"/expertise/sessions/{session.id}/conclusion", data={"verdict": "recommend"})
    assert response.status_code == 422
    waiting = data.assessments[2].person.short_name  # «Иванов3 И.И.»: its full stop ends the sentence too
    page = response.get_data(as_text=True)
    assert f"Не отправили чек-листы: {waiting}" in page and f"{waiting}." not in page


def test_a_session_page_with_10_experts_and_60_criteria_takes_a_fixed_number_of_queries(app, admin, ctx, count_queries):
    spec = [
        (f"Раздел {s}", [(f"Критерий {s}.{c}", Scale.POINTS_2, None, 1, True) for c in range(1, 11)])
        for s in range(1, 7)
    ]
    version = builders.checklist(spec)
    session, assigned = build_session(experts=10, version=version)
    for assessment, _ in assigned:
        builders.answer_all(assessment, version.criteria, value=lambda c: 1)
    submit_all(session)
    db.session.commit()
    session_url, assessment_url = f"/expertise/sessions/{session.id}", f"/expertise/assessments/{assigned[0][0].id}"
    with count_queries() as counter:
        page = admin.get(session_url)
    assert page.status_code == 200
    assert page.get_data(as_text=True).count('id="result-') == 60
    assert counter.count <= 8, "\n".join(counter.statements)
    with count_queries() as counter:
        assert admin.get(assessment_url).status_code == 200
    assert counter.count <= 8, "\n".join(counter.statements)


def test_a_session_with_answers_cannot_be_deleted(app, secretary, ctx):
    session, assigned = build_session(experts=1)
    builders.answer_all(assigned[0][0], session.checklist_version.criteria)
    empty, _ = build_session(experts=1)
    programme_id, empty_id = empty.programme_id, empty.id
    db.session.commit()
    assert secretary.hx("post", f"/expertise/sessions/{session.id}/delete").status_code == 409
    assert secretary.post(f"/expertise/sessions/{empty_id}/delete").status_code == 303
    assert db.session.get(ExpertSession, empty_id) is None
    assert db.session.get(Programme, programme_id).approval_status == "not_evaluated"


def test_a_completed_session_cannot_be_edited(app, secretary, ctx):
    session, assigned = build_session(experts=3)
    answer_and_submit_all(session)
    documents.confirm_conclusion(scoring.load_session(session.id), "recommend", "", None)
    db.session.commit()
    url = f"/expertise/sessions/{session.id}/edit"
    assert secretary.get(url).status_code == 303
    refused = secretary.hx(
        "post", url, data={"checklist_version_id": session.checklist_version_id, "held_on": "2030-01-01"}
    )
    assert refused.status_code == 409 and "Сессия завершена" in refused.get_data(as_text=True)
    assert db.session.get(ExpertSession, session.id).held_on == dt.date(2021, 12, 3)


def test_the_conclusion_is_confirmed_by_a_person_and_not_before_the_session(app, login_as, ctx):
    session, assigned = build_session(experts=3)
    answer_and_submit_all(session)
    db.session.commit()
    url = f"/expertise/sessions/{session.id}/conclusion"
    unlinked = login_as(Role.SECRETARY)
    refused = unlinked.hx("post", url, data={"verdict": "recommend", "text": ""})
    assert refused.status_code == 422 and "не связана с сотрудником справочника" in refused.get_data(as_text=True)
    session = db.session.get(ExpertSession, session.id)
    session.held_on = dt.date.today() + dt.timedelta(days=3)
    person = factories.person()
    db.session.commit()
    linked = login_as(Role.SECRETARY, "linked@eval.test", person_id=person.id)
    early = linked.hx("post", url, data={"verdict": "recommend", "text": ""})
    assert early.status_code == 422 and "Заключение утверждают не раньше экспертной сессии" in early.get_data(
        as_text=True
    )
    assert db.session.get(ExpertSession, session.id).status == "open"


def test_a_new_sessions_checklist_is_chosen_not_preselected(secretary, app, ctx):
    builders.checklist([("Раздел", [("Критерий", Scale.POINTS_2, None, 1, True)])])
    db.session.commit()
    form = secretary.get("/expertise/sessions/new").get_data(as_text=True)
    select = form[form.index('name="checklist_version_id"') :]
    select = select[: select.index("</select>")]
    assert '<option selected value="None">— выберите —</option>' in select  # the placeholder, not a checklist


def test_an_expert_without_a_person_is_told_what_to_do(login_as, app, ctx):
    page = login_as(Role.EXPERT).get("/expertise/").get_data(as_text=True)
    assert "не связана с сотрудником справочника" in page and "Когда секретарь включит вас" not in page
