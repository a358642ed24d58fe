from urllib.parse import unquote, urlsplit

from flask import current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import limiter
from ..web import apply_change, form_page
from . import bp, services
from .access import public
from .forms import ChangePasswordForm, LoginForm


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never redirect to another host after login.

    Browsers drop tabs and line breaks from a URL and read a backslash as a slash, so
    ``/\t/evil.example`` would reach another host: any of them (or a space, or another
    control character) sends the user home, as does anything with a scheme or a host."""
    if target and target.startswith("/") and not any(char in target for char in _NOT_IN_NEXT):
        parts = urlsplit(target)
        # No dot segments either: a browser normalises «/..//evil.example» to the path
        # «//evil.example», which is another host once it is written out again.
        segments = unquote(parts.path).split("/")
        if not parts.scheme and not parts.netloc and not target.startswith("//"):
            if not any(segment in {".", ".."} for segment in segments):
                return target
    return url_for("main.dashboard")


_NOT_IN_NEXT = frozenset("\\ \x7f" + "".join(map(chr, range(32))))


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_ip_limit() -> str:
    return current_app.config["LOGIN_IP_RATE_LIMIT"]


def _account_key() -> str:
    """The account a login attempt is for, whatever address it comes from."""
    return "account:" + services.normalize_email(request.form.get("email", ""))[:254]


# Attempts are counted per account (guessing one password from many addresses) and, more
# loosely, per address (trying many accounts from one): a colleague behind the same NAT is
# locked out only by a flood. The 429 carries Retry-After (RATELIMIT_HEADERS_ENABLED).
@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"], key_func=_account_key)
@limiter.limit(_login_ip_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()

    def sign_in():
        login_user(services.sign_in(form.email.data, form.password.data), remember=form.remember.data)

    return form_page(
        "auth/login.html", form, sign_in, services.UserError, then=lambda _: _safe_next(request.args.get("next"))
    )


@bp.post("/logout")
def logout():
    # Ends this session on the server: a copy of its session or remember cookie, replayed
    # later, names a session that no longer exists (services.load_user). The account's
    # other devices stay signed in.
    def end():
        if current_user.is_authenticated:
            services.end_session(current_user)

    def signed_out(_):
        logout_user()
        flash("Вы вышли из интранета.", "info")
        return redirect(url_for("auth.login"), 303)

    return apply_change(None, end, (), done=signed_out)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ChangePasswordForm()
    return form_page(
        "auth/profile.html",
        form,
        lambda: services.change_own_password(
            current_user, form.current_password.data, form.new_password.data, current_user.session_key
        ),
        services.UserError,
        then=lambda _: url_for("auth.profile"),
        text="Пароль изменён. Другие сеансы завершены.",
    )
