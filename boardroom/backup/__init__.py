"""Backup and restore: one archive (zip) with every row of every table and every stored file,
taken from one consistent snapshot, and loaded back into an empty SQLite or PostgreSQL database.

The way up from the embedded SQLite default to PostgreSQL: ``boardroom backup`` on the old
installation, ``boardroom restore`` on the new one.
"""
