"""Error pages in Russian, in the intranet's style; HTMX gets a message fragment."""

from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ..documents.rendering import TemplateError
from ..extensions import db
from ..web import database_unavailable, error_page
from . import bp

bp.app_errorhandler(DBAPIError)(database_unavailable)


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError):
    return error_page(400, "Форма устарела или отправлена не из интранета (нет CSRF-токена). Обновите страницу.")


@bp.app_errorhandler(TemplateError)
def broken_template(error: TemplateError):
    """A document whose uploaded template fails on this data (every download, one answer)."""
    return error_page(
        500,
        f"Документ не удалось заполнить по шаблону: {error.message} "
        "Исправьте шаблон в библиотеке шаблонов или верните стандартный.",
    )


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    return error_page(error.code or 500)


def is_unique_violation(error: IntegrityError) -> bool:
    """A row refused by a unique index (PostgreSQL's SQLSTATE 23505, SQLite's message)."""
    return getattr(error.orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(error.orig)


@bp.app_errorhandler(IntegrityError)
def duplicate_row(error: IntegrityError):
    """Two requests creating the same thing at once (a double click): the unique index let
    only the first through, after the second had checked. Any other integrity error is a bug."""
    if not is_unique_violation(error):
        raise error
    db.session.rollback()
    return error_page(
        409,
        "Такая запись уже есть: её только что сохранили (возможно, форма была отправлена дважды). Обновите страницу.",
    )


@bp.app_errorhandler(StaleDataError)
def concurrent_change(error: StaleDataError):
    """Two saves of the same row at once: the version counter let only the first through."""
    db.session.rollback()
    return error_page(409, "Запись только что изменил другой пользователь. Обновите страницу и повторите.")
