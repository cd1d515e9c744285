"""URL rules of ask-a-lawyer (/questions) and the public knowledge base (/kb)."""

from flask import Blueprint

from knowledge import views

bp = Blueprint("knowledge", __name__, url_prefix="/questions", template_folder="templates")
kb = Blueprint("kb", __name__, url_prefix="/kb", template_folder="templates")

post = {"methods": ["POST"]}
form = {"methods": ["GET", "POST"]}

bp.add_url_rule("", "index", views.index)
bp.add_url_rule("/mine", "mine", views.mine)
bp.add_url_rule("/ask", "ask", views.ask, **form)
bp.add_url_rule("/<int:question_id>", "question", views.question)
bp.add_url_rule("/<int:question_id>/edit", "edit", views.edit, **form)
bp.add_url_rule("/<int:question_id>/submit", "submit", views.submit, **post)
bp.add_url_rule("/<int:question_id>/files/<int:attachment_id>", "attachment", views.attachment)
bp.add_url_rule("/<int:question_id>/claim", "claim", views.claim, **post)
bp.add_url_rule("/<int:question_id>/release", "release", views.release, **post)
bp.add_url_rule("/<int:question_id>/request-info", "request_info", views.request_info, **post)
bp.add_url_rule("/<int:question_id>/reply", "reply", views.reply, **post)
bp.add_url_rule("/<int:question_id>/answer", "answer", views.answer, **post)
bp.add_url_rule("/<int:question_id>/answer/cite", "cite", views.cite, **post)
bp.add_url_rule("/<int:question_id>/follow-up", "follow_up", views.follow_up, **post)
bp.add_url_rule("/<int:question_id>/rate", "rate", views.rate, **post)
bp.add_url_rule("/<int:question_id>/withdraw", "withdraw", views.withdraw, **post)
bp.add_url_rule("/<int:question_id>/escalate/<code>", "escalate", views.escalate, **post)
bp.add_url_rule("/<int:question_id>/reassign", "reassign", views.reassign, **post)
bp.add_url_rule("/<int:question_id>/route", "reroute", views.reroute, **post)
bp.add_url_rule("/queue", "queue", views.queue)
bp.add_url_rule("/my-statistics", "my_stats", views.my_stats)
bp.add_url_rule("/staff", "staff_overview", views.staff_overview)
bp.add_url_rule("/staff/all", "staff_questions", views.staff_questions)
bp.add_url_rule("/staff/overdue", "staff_overdue", views.staff_overdue)
bp.add_url_rule("/staff/rules", "staff_rules", views.staff_rules)
bp.add_url_rule("/staff/rules/<int:category_id>", "staff_rule_save", views.staff_rule_save, **post)
bp.add_url_rule("/staff/lawyers", "staff_lawyers", views.staff_lawyers)
bp.add_url_rule(
    "/staff/lawyers/<int:user_id>", "staff_lawyer_capacity", views.staff_lawyer_capacity, **post
)
bp.add_url_rule("/staff/figures", "staff_figures", views.staff_figures)
bp.add_url_rule("/staff/figures.xlsx", "staff_figures_xlsx", views.staff_figures_xlsx)
bp.add_url_rule("/staff/articles", "staff_articles", views.staff_articles)
bp.add_url_rule(
    "/staff/articles/from/<int:question_id>",
    "staff_article_prepare",
    views.staff_article_prepare,
    **post,
)
bp.add_url_rule("/staff/articles/<int:article_id>", "staff_article", views.staff_article, **form)
bp.add_url_rule(
    "/staff/articles/<int:article_id>/publish",
    "staff_article_publish",
    views.staff_article_publish,
    **post,
)

kb.add_url_rule("", "index", views.kb_index)
kb.add_url_rule("/<int:article_id>", "article", views.kb_article)
