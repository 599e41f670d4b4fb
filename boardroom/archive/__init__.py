"""Approved minutes as stored: the meeting's record frozen at approval (a structured snapshot and
the protokoll.docx bytes, each with its SHA-256), new versions only by recorded corrections."""
