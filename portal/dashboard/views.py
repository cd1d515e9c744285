"""Pages of dashboard."""

from flask import render_template


def index():
    return render_template("dashboard/index.html")
