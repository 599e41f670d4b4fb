"""The secretary's registers: bodies, standard cases, municipalities with population,
persons and their seats.
"""
