"""Accounts and signing in: users with their roles, passwords, log-in and log-out, and the
name an approval is signed with.
"""
