"""Pages of counsel."""

from flask import render_template


def index():
    return render_template("counsel/index.html")
