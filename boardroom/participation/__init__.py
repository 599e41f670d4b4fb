"""Which members take part in a project decision: answers as a history, the computed counts
(18/19) and the participation matrix.
"""
