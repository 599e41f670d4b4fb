"""The same stack doing (almost) nothing: the floors the benchmark compares against.

Served by gunicorn exactly like boardroom: a hello-world Flask route, an empty
python-docx document, and a one-event icalendar calendar.
"""

from datetime import datetime, timezone
from io import BytesIO

from docx import Document
from flask import Flask, Response
from icalendar import Calendar, Event

app = Flask(__name__)


@app.get("/hello")
def hello():
    return "Hello, world!"


@app.get("/hello.json")
def hello_json():
    return {"hello": "world"}


@app.get("/empty.docx")
def empty_docx():
    buffer = BytesIO()
    Document().save(buffer)
    return Response(buffer.getvalue(), mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@app.get("/one-event.ics")
def one_event():
    calendar = Calendar()
    calendar.add("prodid", "-//floor//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", "floor-1@example.org")
    event.add("dtstamp", datetime(2025, 1, 1, tzinfo=timezone.utc))
    event.add("dtstart", datetime(2025, 10, 16, 8, tzinfo=timezone.utc))
    event.add("summary", "Styremøte")
    calendar.add_component(event)
    return Response(calendar.to_ical(), mimetype="text/calendar")
