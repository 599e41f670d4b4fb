"""Word documents built from domain objects: HTML to Word, the shared DOCX parts, the minutes
(protokoll) and the notice (innkalling).
"""
