"""The meeting plan as iCalendar and its feed.
"""
