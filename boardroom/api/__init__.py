"""The JSON API: read-only views of meetings, projects, participation, costs, benefits,
follow-ups and municipalities.
"""
