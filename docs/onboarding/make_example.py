"""Write the example onboarding file for `boardroom import organisation`, as an XLSX workbook
(docs/onboarding-example.xlsx) and as CSV files (docs/onboarding/*.csv), from the rows below.

    .venv/bin/python docs/onboarding/make_example.py
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent

SHEETS = {
    "organisasjon": [
        ["Navn", "Kortnavn", "Organisasjonsnummer", "Kortadresse"],
        ["Kystregionen IKT IKS", "KIKT", "921876548", "kystregionen-ikt"],
    ],
    "organer": [
        ["Navn", "Kortnavn", "Saksnummerformat", "Møtested", "Protokollunderskrivere", "Kan avstå", "Åpen møteplan",
         "Flertallskrav"],
        ["Styret i Kystregionen IKT", "Styret", "{seq:02d}/{year}", "Rådhuset i Sandnessjøen", "2", "nei", "ja", "Alminnelig flertall"],
        ["Representantskapet", "RS", "RS {seq:02d}-{yy}", "", "1", "ja", "ja", "To tredjedels flertall"],
    ],
    "medlemmer": [
        ["Navn", "Type", "Nummer", "Region", "Eierandel (%)", "Medlem fra", "Medlem til", "Folketall", "Folketall per"],
        ["Alstahaug", "kommune", "1820", "Ytre Helgeland", "35", "01.01.2020", "", "7365", "30.06.2025"],
        ["Herøy", "kommune", "1818", "Ytre Helgeland", "10", "01.01.2020", "", "1782", "30.06.2025"],
        ["Leirfjord", "kommune", "1822", "Ytre Helgeland", "15", "01.01.2020", "", "2331", "30.06.2025"],
        ["Vefsn", "kommune", "1824", "Indre Helgeland", "40", "01.01.2022", "", "13279", "30.06.2025"],
    ],
    "personer": [
        ["Navn", "E-post", "Stilling", "Tilhørighet"],
        ["Kari Nordmann", "kari.nordmann@alstahaug.example", "ordfører", "Alstahaug"],
        ["Per Hansen", "per.hansen@heroy.example", "varaordfører", "Herøy"],
        ["Åse Lie", "ase.lie@leirfjord.example", "ordfører", "Leirfjord"],
        ["Ola Berg", "ola.berg@vefsn.example", "kommunedirektør", "Vefsn"],
        ["Ingrid Dahl", "ingrid.dahl@vefsn.example", "kommunalsjef", "Vefsn"],
        ["Tor Myhre", "", "systemkonsulent", "Kystregionen IKT"],
        ["Siv Johansen", "siv.johansen@kikt.example", "daglig leder", "Kystregionen IKT"],
    ],
    "verv": [
        ["Person", "Organ", "Rolle", "Representerer", "Stemmerett", "Fra", "Til", "Vara for"],
        ["Kari Nordmann", "Styret", "styreleder", "Alstahaug", "ja", "01.01.2024", "31.12.2027", ""],
        ["Per Hansen", "Styret", "styremedlem", "Herøy", "ja", "01.01.2024", "31.12.2027", ""],
        ["Åse Lie", "Styret", "styremedlem", "Leirfjord", "ja", "01.01.2024", "31.12.2027", ""],
        ["Ola Berg", "Styret", "styremedlem", "Vefsn", "ja", "01.01.2024", "31.12.2027", ""],
        ["Ingrid Dahl", "Styret", "varamedlem", "Vefsn", "ja", "01.01.2024", "31.12.2027", "Ola Berg"],
        ["Tor Myhre", "Styret", "styremedlem", "ansattrepresentant", "ja", "01.01.2024", "", ""],
        ["Siv Johansen", "Styret", "administrasjon", "", "nei", "", "", ""],
        ["Kari Nordmann", "RS", "styreleder", "Alstahaug", "ja", "", "", ""],
        ["Ola Berg", "RS", "styremedlem", "Vefsn", "ja", "", "", ""],
    ],
}


def main() -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in SHEETS.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = max(12, *(len(str(c.value or "")) + 2
                                                                              for c in column))
        with open(HERE / f"{name}.csv", "w", newline="", encoding="utf-8") as out:
            csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    workbook.save(HERE.parent / "onboarding-example.xlsx")


if __name__ == "__main__":
    main()
