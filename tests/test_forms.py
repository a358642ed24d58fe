"""The forms module's shared filters, as every form of the app applies them."""

from __future__ import annotations

from sqlalchemy import select
from wtforms import HiddenField, StringField, TextAreaField, URLField

from cluster_intranet.directory.models import Organization
from cluster_intranet.extensions import db
from cluster_intranet.forms import Form


class _Sample(Form):
    class Meta:
        csrf = False

    title = StringField()
    link = URLField()
    text = TextAreaField()
    token = HiddenField()


def test_a_single_line_field_takes_no_line_break_a_textarea_keeps_them(app):
    sent = {
        "title": "Ярмарка\r\nвакансий \n\n 2023",
        "link": "https://tpu.ru/\u2028news",
        "text": "Первый абзац.\r\nВторой абзац.",
        "token": "a\nb",
    }
    with app.test_request_context(method="POST", data=sent):
        form = _Sample()
        assert form.title.data == "Ярмарка вакансий 2023"  # as an <input> would have kept it
        assert form.link.data == "https://tpu.ru/ news"
        assert form.text.data == "Первый абзац.\r\nВторой абзац."  # a textarea's lines are its content
        assert form.token.data == "a\nb"  # a hidden value is the app's own, not typed


def test_a_name_sent_with_a_line_break_is_saved_on_one_line(secretary, ctx):
    """An organisation's name is printed in lists, protocols and calendars: one line there."""
    response = secretary.post(
        "/directory/organizations/new",
        data={"short_name": "ОГБПОУ\r\n«ТИТ»", "full_name": "Томский\nиндустриальный техникум", "kind": "college"},
    )
    assert response.status_code == 303
    saved = db.session.scalar(select(Organization))
    assert (saved.short_name, saved.full_name) == ("ОГБПОУ «ТИТ»", "Томский индустриальный техникум")
