"""«Разослать приглашения»: the request only decides who is due what and queues the
messages; a thread of the process sends them after the request (mail.init_app), and the section
shows the progress, refreshing itself while messages wait."""

from __future__ import annotations

from flask import abort, url_for
from flask_login import current_user

from .. import mail
from ..auth.access import role_required
from ..auth.roles import EDIT_MEETINGS
from ..extensions import db
from ..forms import STALE_FORM, Form
from ..meetings.models import Meeting
from ..meetings.queries import load_meeting
from ..web import after_change, apply_change, fragment, message, notice, page_or_fragment, wants_fragment
from . import bp, services


def _context(meeting: Meeting) -> dict:
    messages = services.history(meeting.id)
    entries, without_email = services.due(meeting)
    return {
        "meeting": meeting,
        "messages": messages,
        "progress": services.progress(messages),
        "due": entries,
        "without_email": without_email,
        "failed": services.failed(meeting.id),
        "status_of": mail.status_of,
        "status_labels": mail.STATUS_LABELS,
        "method_labels": services.METHOD_LABELS,
        "sendable": meeting.status in services.SENDABLE,
        "may_send": current_user.has_role(*EDIT_MEETINGS) and meeting.status in services.SENDABLE,
        "form": Form().keyed("invitations"),  # ids of its own on the meeting page
    }


@bp.get("/meetings/<int:meeting_id>")
def section(meeting_id: int):
    """Who was sent what and when: the section the meeting page loads, or a page."""
    meeting = load_meeting(meeting_id) or abort(404)
    return page_or_fragment("invitations/meeting.html", "invitations/_section.html", **_context(meeting))


@bp.post("/meetings/<int:meeting_id>")
@role_required(*EDIT_MEETINGS)
def send(meeting_id: int):
    meeting = load_meeting(meeting_id) or abort(404)
    form = Form()

    def send_now():
        ids, _ = services.queue_invitations(meeting)
        return ids + services.retry_failed(meeting_id)  # sent from a thread after this request (mail.init_app)

    def queued(ids):
        done = (
            f"Писем к отправке: {len(ids)}."
            if ids
            else "Новых приглашений нет: все участники получили последние сведения."
        )
        if not wants_fragment():
            return after_change(url_for("meetings.show", meeting_id=meeting_id, _anchor="invitations"), done)
        db.session.expire_all()
        return fragment("invitations/_section.html", trigger=notice(done), retarget="#invitations", reswap="outerHTML",
                        **_context(load_meeting(meeting_id) or abort(404)))  # fmt: skip

    return apply_change(
        form,
        send_now,
        services.InvitationError,
        done=queued,
        invalid=lambda: message(STALE_FORM, 400),
        back=url_for("meetings.show", meeting_id=meeting_id),
    )
