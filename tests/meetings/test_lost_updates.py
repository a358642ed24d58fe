"""Two secretaries edit the same meeting or decision: the second save is refused, never silent."""

import re

from sqlalchemy import select

from cluster_intranet.auth.roles import Role
from cluster_intranet.decisions.models import Decision
from cluster_intranet.extensions import db
from cluster_intranet.meetings.models import Meeting


def _form_fields(html: str) -> dict:
    fields = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', html))
    for name, value in re.findall(r'<input[^>]*value="([^"]*)"[^>]*name="(\w+)"', html):
        fields.setdefault(value, name)
    return fields


def test_second_save_of_a_meeting_is_refused(app, login_as, draft, ctx):
    first = login_as(Role.SECRETARY, "first@cluster.local")
    second = login_as(Role.SECRETARY, "second@cluster.local")
    url = f"/meetings/{draft.id}/edit"
    version = re.search(
        r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', first.get(url).get_data(as_text=True)
    )
    stale_version = next(v for v in version.groups() if v)
    data = {
        "council_id": draft.council_id,
        "number": draft.number,
        "date": draft.date.isoformat(),
        "start_time": "15:00",
        "end_time": "16:30",
        "city": "г. Томск",
        "place": "Новое место",
        "format": "mixed",
        "connection_link": "",
        "status": "planned",
        "chair_id": "",
        "secretary_id": "",
        "protocol_form": "",
    }
    assert second.post(url, data={**data, "version": stale_version}).status_code == 303
    refused = first.post(url, data={**data, "place": "Другое место", "version": stale_version})
    assert refused.status_code == 422
    assert "Запись уже изменил" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Meeting, draft.id).place == "Новое место"


def test_second_save_of_a_decision_is_refused(app, login_as, draft, ctx):
    first = login_as(Role.SECRETARY, "first@cluster.local")
    second = login_as(Role.SECRETARY, "second@cluster.local")
    response = first.hx("post", f"/meetings/{draft.id}/decisions", data={"text": "Исходное", "agenda_item_id": ""})
    assert response.status_code == 200
    decision = db.session.scalar(select(Decision).where(Decision.meeting_id == draft.id))
    version = decision.version
    base = {"agenda_item_id": "", "version": version}
    assert (
        second.hx("post", f"/meetings/decisions/{decision.id}", data={**base, "text": "Правка второго"}).status_code
        == 200
    )
    refused = first.hx("post", f"/meetings/decisions/{decision.id}", data={**base, "text": "Правка первого"})
    assert refused.status_code == 409
    assert "Запись уже изменил" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Decision, decision.id).text == "Правка второго"


def test_an_edit_form_opened_before_a_move_still_saves(app, secretary, draft, ctx):
    """A move changes where rows stand, not what they say: no form becomes stale by it."""
    draft.council.protocol_form = "full"  # decisions numbered by item: an item's move renumbers them
    db.session.commit()
    for text in ("Первый вопрос", "Второй вопрос"):
        assert secretary.hx("post", f"/meetings/{draft.id}/agenda", data={"text": text}).status_code == 200
    db.session.expire_all()
    first, second = [item for item in sorted(draft.agenda_items, key=lambda item: item.position)
                     if item.text in ("Первый вопрос", "Второй вопрос")]  # fmt: skip
    for item, text in ((first, "Решение по первому"), (second, "Решение по второму")):
        data = {"text": text, "agenda_item_id": item.id}
        assert secretary.hx("post", f"/meetings/{draft.id}/decisions", data=data).status_code == 200
    db.session.expire_all()
    versions = {d.id: d.version for d in db.session.scalars(select(Decision).where(Decision.meeting_id == draft.id))}
    labels = {d.text: d.label for d in db.session.scalars(select(Decision).where(Decision.meeting_id == draft.id))}
    item_version = first.version

    assert secretary.hx("post", f"/meetings/agenda/{first.id}/move/down").status_code == 200
    db.session.expire_all()
    # The decisions renumbered with their items, their versions kept.
    moved = db.session.scalars(select(Decision).where(Decision.meeting_id == draft.id)).all()
    assert {d.text: d.label for d in moved if d.text.startswith("Решение по")} == {
        "Решение по первому": labels["Решение по второму"],
        "Решение по второму": labels["Решение по первому"],
    }
    assert {d.id: d.version for d in moved} == versions
    edited = secretary.hx("post", f"/meetings/agenda/{first.id}",
                          data={"text": "Первый вопрос, уточнённый", "version": item_version})  # fmt: skip
    assert edited.status_code == 200, edited.get_data(as_text=True)
    decision = next(d for d in moved if d.text == "Решение по первому")
    saved = secretary.hx("post", f"/meetings/decisions/{decision.id}",
                         data={"text": "Решение по первому, уточнённое", "agenda_item_id": first.id, "version": versions[decision.id]})  # fmt: skip
    assert saved.status_code == 200, saved.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Decision, decision.id).text == "Решение по первому, уточнённое"
    # A real edit still counts: the form opened before it is refused.
    stale = secretary.hx(
        "post", f"/meetings/agenda/{first.id}", data={"text": "Третья правка", "version": item_version}
    )
    assert stale.status_code in (409, 422) and "Запись уже изменил" in stale.get_data(as_text=True)
