"""How courses plugs into the portal: blueprint, navigation, demo data, statistics, search."""

from flask import request

from portal.core.hooks import (
    add_demo_loader,
    add_home_section,
    add_nav,
    add_record_type,
    add_search_source,
    add_stats,
    add_visibility_listener,
)
from portal.core.nav import SERVICE_NAMES


def _allow_video_uploads():
    """Lecture videos are larger than the site-wide upload limit; the form checks each file."""
    from courses.operations import upload_limits

    if request.endpoint in ("courses.new", "courses.edit"):
        limits = upload_limits()
        request.max_content_length = limits["video"] + limits["slides"] + limits["transcript"]


def init_app(app):
    from courses import cli, documents, home, models  # noqa: F401  (tables known to migrations)
    from courses import stats as lecture_stats
    from courses.blueprint import bp
    from courses.demo import load_demo

    app.before_request(_allow_video_uploads)
    app.register_blueprint(bp)
    add_nav(app, "courses.index", SERVICE_NAMES["courses"], lambda user: True)
    add_home_section(app, home.registered_lectures)
    add_home_section(app, home.speaker_lectures)
    add_demo_loader(app, 60, "courses", load_demo)
    from courses.demo_video import load_videos

    add_demo_loader(app, 61, "lecture videos", load_videos)
    add_stats(app, "courses", lecture_stats.totals)
    add_search_source(
        app,
        "lecture",
        documents.lecture_document,
        documents.lecture_ids,
        documents.lectures_allowed,
    )
    add_search_source(
        app,
        "transcript_line",
        documents.transcript_line_document,
        documents.transcript_line_ids,
        documents.transcript_lines_allowed,
    )
    add_visibility_listener(app, documents.requeue_on_visibility_change)
    add_record_type(app, "lectures", home.describe_lecture)
    app.cli.add_command(cli.lectures_cli)
    from courses.front import upcoming_lectures
    from portal.core.hooks import add_public_section

    add_public_section(app, upcoming_lectures, order=20)
