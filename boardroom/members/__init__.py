"""The member municipalities' own pages: what a municipality takes part in, how it voted, its
cost shares, and Min kommune.
"""
