"""The ground every area stands on: database session, response cache, Norwegian formatting,
Markdown, labels, the form base, access rules, the audit log, stored files, error pages and
template filters. Nothing here imports an area package.
"""
