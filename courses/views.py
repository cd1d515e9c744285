"""Pages of courses."""

from flask import render_template


def index():
    return render_template("courses/index.html")
