"""Follow-up actions (oppfølging) started by decisions, overdue marks and the follow-up case on
the next agenda.
"""
