"""Accounts, log-in and log-out.
"""
