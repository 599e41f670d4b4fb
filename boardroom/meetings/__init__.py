"""Meetings and their agenda: the front page, the meeting and case pages, the agenda builder,
case numbering and the meeting's workflow states.
"""
