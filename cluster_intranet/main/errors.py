"""Error pages in Russian, in the intranet's style; HTMX gets a message fragment."""
from flask import render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from ..extensions import db
from ..web import message, wants_fragment
from . import bp

MESSAGES = {
    400: ("Неверный запрос", "Запрос не удалось обработать. Обновите страницу и попробуйте ещё раз."),
    403: ("Доступ запрещён", "У вас нет прав для этого действия. Обратитесь к администратору интранета."),
    404: ("Страница не найдена", "Такой страницы или записи нет. Возможно, её удалили."),
    405: ("Действие недоступно", "Этот адрес не поддерживает такое действие."),
    413: ("Файл слишком большой", "Размер загружаемого файла превышает допустимый."),
    429: ("Слишком много попыток", "Подождите минуту и попробуйте снова."),
    500: ("Ошибка сервера", "Что-то пошло не так. Мы уже знаем об этом; попробуйте позже."),
    503: ("Сервис временно недоступен", "База данных не отвечает. Страница заработает, как только связь восстановится."),
}


def error_page(status: int, detail: str | None = None):
    title, text = MESSAGES.get(status, MESSAGES[500])
    if wants_fragment():
        return message(detail or text, status)
    return render_template("error.html", status=status, title=title, text=detail or text), status


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError):
    return error_page(400, "Форма устарела или отправлена не из интранета (нет CSRF-токена). Обновите страницу.")


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    return error_page(error.code or 500)


@bp.app_errorhandler(OperationalError)
def database_unavailable(error: OperationalError):
    db.session.rollback()
    return error_page(503)

