"""URL rules of accounts."""

from flask import Blueprint

from portal.accounts import views

bp = Blueprint("accounts", __name__, url_prefix="/account", template_folder="templates")

bp.add_url_rule("/login", "login", views.login, methods=("GET", "POST"))
bp.add_url_rule("/logout", "logout", views.logout, methods=("GET", "POST"))
bp.add_url_rule("/register", "register", views.register)
bp.add_url_rule(
    "/register/enterprise",
    "register_enterprise",
    views.register_enterprise,
    methods=("GET", "POST"),
)
bp.add_url_rule(
    "/register/lawyer", "register_lawyer", views.register_lawyer, methods=("GET", "POST")
)
bp.add_url_rule("/profile", "profile", views.profile, methods=("GET", "POST"))
bp.add_url_rule("/conflicts", "conflict_add", views.conflict_add, methods=("POST",))
bp.add_url_rule(
    "/conflicts/<int:conflict_id>/remove",
    "conflict_remove",
    views.conflict_remove,
    methods=("POST",),
)
bp.add_url_rule("/firm/requests", "join_requests", views.join_requests)
bp.add_url_rule("/firm/requests/<int:user_id>", "join_decide", views.join_decide, methods=("POST",))
bp.add_url_rule("/password", "password", views.password, methods=("GET", "POST"))
bp.add_url_rule("/staff/users", "staff_users", views.staff_users)
bp.add_url_rule("/staff/users/<int:user_id>", "staff_user", views.staff_user)
bp.add_url_rule(
    "/staff/users/<int:user_id>/verify", "staff_verify", views.staff_verify, methods=("POST",)
)
bp.add_url_rule(
    "/staff/users/<int:user_id>/deactivate",
    "staff_deactivate",
    views.staff_deactivate,
    methods=("POST",),
)
bp.add_url_rule(
    "/staff/enterprises/<int:enterprise_id>",
    "staff_enterprise",
    views.staff_enterprise,
    methods=("GET", "POST"),
)
