"""The same stack doing (almost) nothing: the floors the benchmark compares against.

Served by gunicorn exactly like boardroom: a hello-world Flask route, an empty
python-docx document, a one-event icalendar calendar, and a static file the size of the
stored minutes (FLOOR_STATIC_SIZE).
"""

import os
import tempfile
from datetime import datetime, timezone
from io import BytesIO

from docx import Document
from flask import Flask, Response, send_file
from icalendar import Calendar, Event

app = Flask(__name__)

# a file of the stored minutes' size (FLOOR_STATIC_SIZE bytes), served as a static file is
STATIC = os.path.join(tempfile.mkdtemp(prefix="boardroom-floor-"), "static.docx")
with open(STATIC, "wb") as out:
    out.write(os.urandom(int(os.environ.get("FLOOR_STATIC_SIZE", "65536"))))


@app.get("/static.docx")
def static_docx():
    return send_file(STATIC, mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


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
