"""Pages of checkups."""

from flask import render_template


def index():
    return render_template("checkups/index.html")
