"""Invitations to meetings: one e-mail per attendee with the agenda and an iMIP
invitation that Outlook puts in the calendar, updates and cancellations."""

from flask import Blueprint

bp = Blueprint("invitations", __name__, url_prefix="/invitations")
