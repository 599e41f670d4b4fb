"""E-mail: the outbox every message goes through (stored in the database, delivered by a worker
with retries), the notice (innkalling) with its calendar invitation, and signed one-use links
(absence reports, setting or resetting a password)."""
