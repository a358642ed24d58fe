from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from .roles import Role
from .services import password_problem

REQUIRED = "Заполните это поле."


class LoginForm(FlaskForm):
    email = EmailField("Электронная почта", validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField("Пароль", validators=[DataRequired(REQUIRED), Length(max=200)])
    remember = BooleanField("Запомнить меня")


def strong_password(form, field):
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Текущий пароль", validators=[DataRequired(REQUIRED)])
    new_password = PasswordField(
        "Новый пароль", validators=[DataRequired(REQUIRED), Length(max=200), strong_password]
    )
    confirm = PasswordField(
        "Повторите новый пароль",
        validators=[DataRequired(REQUIRED), EqualTo("new_password", "Пароли не совпадают.")],
    )


class UserForm(FlaskForm):
    email = EmailField(
        "Электронная почта",
        validators=[DataRequired(REQUIRED), Email("Неверный адрес электронной почты."), Length(max=254)],
    )
    role = SelectField("Роль", choices=Role.choices())
    person_id = SelectField("Сотрудник", coerce=int, validators=[Optional()])


class NewUserForm(UserForm):
    password = PasswordField("Пароль", validators=[DataRequired(REQUIRED), Length(max=200), strong_password])


class ResetPasswordForm(FlaskForm):
    password = PasswordField("Новый пароль", validators=[DataRequired(REQUIRED), Length(max=200), strong_password])
