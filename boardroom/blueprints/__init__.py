"""One blueprint per domain area, registered by hand in ``create_app``."""
