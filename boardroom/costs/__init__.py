"""Cost keys and cost shares: exact shares to the øre, the share tables of a cost and its
forms and pages.
"""
