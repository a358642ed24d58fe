"""Error pages in Russian, in the intranet's style; HTMX gets a message fragment."""
from flask import make_response, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ..extensions import db, login_manager
from ..web import message, wants_fragment
from . import bp

MESSAGES = {
    400: ("Неверный запрос", "Запрос не удалось обработать. Обновите страницу и попробуйте ещё раз."),
    403: ("Доступ запрещён", "У вас нет прав для этого действия. Обратитесь к администратору интранета."),
    404: ("Страница не найдена", "Такой страницы или записи нет. Возможно, её удалили."),
    405: ("Действие недоступно", "Этот адрес не поддерживает такое действие."),
    413: ("Файл слишком большой", "Размер загружаемого файла превышает допустимый."),
    409: ("Запись изменена", "Запись изменил другой пользователь. Обновите страницу и повторите."),
    429: ("Слишком много попыток", "Подождите минуту и попробуйте снова."),
    500: ("Ошибка сервера", "Что-то пошло не так. Мы уже знаем об этом; попробуйте позже."),
    503: ("Сервис временно недоступен", "База данных не отвечает. Страница заработает, как только связь восстановится."),
}


def error_page(status: int, detail: str | None = None, link: tuple[str, str] | None = None):
    """The error page (``link``: a URL and its text, besides «На главную»); HTMX gets the message."""
    title, text = MESSAGES.get(status, MESSAGES[500])
    if wants_fragment():
        return message(detail or text, status)
    try:
        return render_template("error.html", status=status, title=title, text=detail or text, link=link), status
    except DBAPIError as error:  # the page shows the signed-in user, and the database is down
        return database_unavailable(error)


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError):
    return error_page(400, "Форма устарела или отправлена не из интранета (нет CSRF-токена). Обновите страницу.")


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    return error_page(error.code or 500)


DATABASE_BUSY = "База данных занята сохранением других изменений. Повторите действие через несколько секунд."


@bp.app_errorhandler(DBAPIError)
def database_unavailable(error: DBAPIError):
    """The database is unreachable (down, restarting, connection lost) or, for SQLite,
    still locked by another writer after the busy timeout: a 503 page asking to retry.
    Also when it happens while loading the signed-in user, before the view runs."""
    if not isinstance(error, OperationalError) and not error.connection_invalidated:
        raise error  # a bug, not an outage: the 500 page
    try:
        db.session.rollback()
    except DBAPIError:
        pass  # the connection is gone; the pool replaces it (pool_pre_ping)
    # The page is drawn for an anonymous user: base.html must not ask the database for the user.
    login_manager._update_request_context_with_user()
    locked = "database is locked" in str(error.orig)
    response = make_response(error_page(503, DATABASE_BUSY if locked else None))
    response.headers["Retry-After"] = "5"
    return response


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
    return error_page(409, "Такая запись уже есть: её только что сохранили (возможно, форма была отправлена дважды). "
                           "Обновите страницу.")


@bp.app_errorhandler(StaleDataError)
def concurrent_change(error: StaleDataError):
    """Two saves of the same row at once: the version counter let only the first through."""
    db.session.rollback()
    return error_page(409, "Запись только что изменил другой пользователь. Обновите страницу и повторите.")
