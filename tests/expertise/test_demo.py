"""The demo data of the expertise area: realistic, complete, idempotent, no fixed passwords."""

import datetime as dt

from sqlalchemy import func, select

from cluster_intranet.auth import services as users
from cluster_intranet.auth.models import User
from cluster_intranet.demo import seed
from cluster_intranet.expertise import demo, documents, scoring
from cluster_intranet.expertise.models import Answer, Assessment, ChecklistVersion, ExpertSession, Programme
from cluster_intranet.extensions import db


def counts():
    return [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (ChecklistVersion, Programme, ExpertSession, Assessment, Answer, User)
    ]


def test_the_demo_is_complete_and_idempotent(app, ctx, monkeypatch):
    generated = []
    real = users.generate_password

    def recording():
        generated.append(real())
        return generated[-1]

    monkeypatch.setattr(users, "generate_password", recording)
    seed()
    db.session.commit()
    before = counts()
    seed()
    db.session.commit()
    assert counts() == before

    experts = {u.email: u for u in db.session.scalars(select(User).where(User.role == "expert"))}
    assert set(experts) == set(demo.EXPERTS.values())
    for user in experts.values():
        assert user.person.organization.kind == "employer"
        assert sum(user.check_password(password) for password in generated) == 1  # a fresh random one each
    assert {u.person.short_name for u in experts.values()} == set(demo.EXPERTS)

    version = db.session.scalar(select(ChecklistVersion))
    assert version.is_published and version.protocol_ref
    assert len(version.sections) == 7 and all(len(s.criteria) >= 3 for s in version.sections)
    assert {c.scale for c in version.criteria} == {"yes_no", "points_2", "points_n", "conformity"}

    done = db.session.scalar(select(ExpertSession).where(ExpertSession.status == "completed"))
    assert done.programme.code == "15.02.08" and done.programme.decided_by_session_id == done.id
    assert done.programme.approval_status in {"approved", "approved_after_revision"}
    # Its frozen documents are dated as the record, not the day the demo was loaded.
    data = scoring.load_session(done.id)
    assert documents.document(data, "conclusion")[0]["concluded_on"] == dt.date(2021, 12, 3) == done.concluded_on
    assert documents.document(data, "approval_sheet")[0]["decided_on"] == dt.date(2021, 12, 3)
    # Confirmed by the Expert Council's secretary: signed with her name, not the administrator's e-mail.
    assert done.concluded_by.email == "kuznetsova@cluster.local"
    assert documents.document(data, "conclusion")[0]["secretary"]["short_name_reversed"] == "Н.В. Кузнецова"
    running = db.session.scalar(select(ExpertSession).where(ExpertSession.status == "open"))
    states = [row.state for row in scoring.progress(running)]
    assert states == ["submitted", "in_progress", "not_started"]
    assert running.programme.approval_status == "in_evaluation"
    assert (done.deadline, running.deadline) == (dt.date(2021, 12, 3), dt.date(2021, 12, 10))  # the experts' deadline


def test_the_demo_pages_render(app, ctx, admin):
    seed()
    db.session.commit()
    done = db.session.scalar(select(ExpertSession).where(ExpertSession.status == "completed"))
    running = db.session.scalar(select(ExpertSession).where(ExpertSession.status == "open"))
    urls = [
        "/expertise/",
        "/expertise/programmes",
        "/expertise/checklists",
        f"/expertise/checklists/{done.checklist_version_id}",
        f"/expertise/programmes/{done.programme_id}",
        f"/expertise/sessions/{done.id}",
        f"/expertise/sessions/{running.id}",
    ]
    urls += [f"/expertise/assessments/{a.id}" for a in done.assessments + running.assessments]
    for url in urls:
        assert admin.get(url).status_code == 200, url
