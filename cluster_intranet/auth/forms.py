from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional, ValidationError

from ..forms import db_int, options, strip_controls
from .roles import Role
from .services import password_problem, password_rules

REQUIRED = "Заполните это поле."


def _without_controls(value):
    return strip_controls(value) if isinstance(value, str) else value


class LoginForm(FlaskForm):
    # The address without control characters, as every form of forms.Form has its text: a
    # NUL reached PostgreSQL (which refuses it) and was taken for an outage. The password
    # is compared as typed.
    email = EmailField(
        "Электронная почта", filters=[_without_controls], validators=[DataRequired(REQUIRED), Length(max=254)]
    )
    password = PasswordField("Пароль", validators=[DataRequired(REQUIRED), Length(max=200)])
    remember = BooleanField("Запомнить меня")


def strong_password(form, field):
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


# InputRequired, not DataRequired: a password of spaces is not "empty", it gets its own reason.
NEW_PASSWORD = [InputRequired(REQUIRED), Length(max=200), strong_password]


class _PasswordRulesForm(FlaskForm):
    """Shows the rules (they read the configured minimum length) as the new password's description."""

    new_password_field = "password"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self[self.new_password_field].description = password_rules()


class ChangePasswordForm(_PasswordRulesForm):
    new_password_field = "new_password"

    current_password = PasswordField("Текущий пароль", validators=[DataRequired(REQUIRED)])
    new_password = PasswordField("Новый пароль", validators=NEW_PASSWORD)
    confirm = PasswordField(
        "Повторите новый пароль",
        validators=[InputRequired(REQUIRED), EqualTo("new_password", "Пароли не совпадают.")],
    )

    def validate_new_password(self, field):
        # Compared with what was typed as the current one; the route checks that against the hash.
        if field.data and field.data == self.current_password.data:
            raise ValidationError("Новый пароль совпадает с текущим.")


class UserForm(FlaskForm):
    email = EmailField(
        "Электронная почта",
        validators=[DataRequired(REQUIRED), Email("Неверный адрес электронной почты."), Length(max=254)],
    )
    role = SelectField("Роль", choices=options(Role.choices()))
    person_id = SelectField("Сотрудник", coerce=db_int, validators=[Optional()])


class NewUserForm(_PasswordRulesForm, UserForm):
    password = PasswordField("Пароль", validators=NEW_PASSWORD)


class ResetPasswordForm(_PasswordRulesForm):
    password = PasswordField("Новый пароль", validators=NEW_PASSWORD)
