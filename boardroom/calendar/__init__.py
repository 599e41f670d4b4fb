"""Calendar feeds people subscribe to: per body, per person (by secret token), per member
municipality and per meeting, and the "Kalender" page that hands out their addresses.
"""
