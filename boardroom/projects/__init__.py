"""Projects: status reports, grants and benefits (gevinster), with their pages and forms.
"""
