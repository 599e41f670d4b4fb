"""The administrator's set-up of organisations: create one and change its identity in the UI, or
load its bodies, members, people and seats from a spreadsheet (``onboarding``)."""
