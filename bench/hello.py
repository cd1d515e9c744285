"""The bare Flask app the portal is measured against: `gunicorn bench.hello:app`."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
