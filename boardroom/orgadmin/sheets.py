"""Reading an onboarding file: the sheets of an XLSX workbook, or CSV files named for the sheets,
as rows of text by column (``boardroom.orgadmin.onboarding`` checks and loads them).

A cell reads as the secretary sees it: a date as 16.10.2025, a whole number without decimals, a
percentage cell (0,475 shown as 47,5 %) as its per cent; a number cell is marked (``NumberText``)
so that a kommunenummer that lost its leading zero can get it back.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from boardroom.core.inputs import Invalid


class ImportRefused(Invalid):
    """A file that is not loaded; ``problems`` lists each one in Norwegian, with sheet and line."""

    def __init__(self, problems: list[str]):
        super().__init__({i: p for i, p in enumerate(problems)})
        self.problems = problems


class NumberText(str):
    """A cell the spreadsheet held as a number (so a kommunenummer may have lost its leading zero)."""


@dataclass
class Sheet:
    name: str
    columns: list[str]  # as written in the first row
    rows: list[tuple[int, dict[str, str]]]  # (line, value by column key) of each non-empty row


def key(column: str) -> str:
    return re.sub(r"\s+", " ", (column or "").replace("*", "")).strip().casefold()


def name_key(name: str) -> str:
    return re.sub(r"\s+", " ", name or "").strip().casefold()


# --------------------------------------------------------------------------- reading files


def cell_text(cell) -> str:
    """A spreadsheet cell as the text the secretary sees: dates as 16.10.2025, whole numbers
    without decimals, a percentage cell (0,475 shown as 47,5 %) as its per cent."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().strftime("%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value))
        if "%" in (cell.number_format or ""):
            number *= 100
        number = number.normalize()
        return NumberText(f"{number:f}")
    return str(value).strip()


def sheet_from_rows(name: str, rows) -> Sheet:
    """A sheet from its rows of text (the first names the columns); empty rows are skipped."""
    rows = list(rows)
    columns = [c.strip() for c in rows[0]] if rows else []
    while columns and not columns[-1]:
        columns.pop()
    found = []
    for line, row in enumerate(rows[1:], start=2):
        if not any((c or "").strip() for c in row):
            continue
        found.append((line, {key(c): (row[i] if i < len(row) else "") for i, c in enumerate(columns) if c}))
    return Sheet(name, columns, found)


def read_xlsx(data: bytes) -> dict[str, Sheet]:
    """The sheets of an XLSX workbook by lower-case name; ImportRefused when it is no workbook."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise ImportRefused(["Filen kan ikke leses som et Excel-regneark (XLSX). Lagre den på nytt som .xlsx, "
                             "eller som CSV-filer."]) from exc
    try:
        return {ws.title.strip().casefold(): sheet_from_rows(ws.title.strip().casefold(),
                                                             ([cell_text(c) for c in row] for row in ws.iter_rows()))
                for ws in workbook.worksheets}
    finally:
        workbook.close()


def csv_rows(data: bytes) -> list[list[str]]:
    """Semicolon- or comma-separated rows, in UTF-8 (with or without BOM) or Windows' cp1252."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel on Windows saves "CSV" so
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def sheet_name(filename: str) -> str:
    """'medlemmer.csv', 'Medlemmer.CSV' → 'medlemmer'."""
    return Path(filename).stem.strip().casefold()


def read_csv_files(files: dict[str, bytes]) -> dict[str, Sheet]:
    """The sheets of CSV files, each named by its file name (``medlemmer.csv``)."""
    return {sheet_name(name): sheet_from_rows(sheet_name(name), csv_rows(data)) for name, data in files.items()}


def read_upload(files: dict[str, bytes]) -> dict[str, Sheet]:
    """One XLSX workbook, or CSV files, by file name → their sheets; ImportRefused for anything else."""
    workbooks = [n for n in files if n.lower().endswith(".xlsx")]
    others = [n for n in files if not n.lower().endswith((".xlsx", ".csv"))]
    if others:
        raise ImportRefused([f"«{others[0]}» er verken en .xlsx- eller en .csv-fil."])
    if workbooks and len(files) > 1:
        raise ImportRefused(["Velg enten ett regneark (.xlsx) eller CSV-filer, ikke begge."])
    if workbooks:
        return read_xlsx(files[workbooks[0]])
    return read_csv_files(files)


def read_paths(paths: list[Path]) -> dict[str, Sheet]:
    """What the command line was given: an XLSX file, a directory of CSV files, or CSV files."""
    files = {}
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv", ".xlsx"))
            if not found:
                raise ImportRefused([f"Mappen {path} har ingen .csv- eller .xlsx-filer."])
            files |= {p.name: p.read_bytes() for p in found}
        else:
            files[path.name] = path.read_bytes()
    return read_upload(files)
