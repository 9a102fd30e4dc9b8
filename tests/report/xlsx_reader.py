"""Read an XLSX workbook's cells with the standard library (zipfile and ElementTree).

The tests decode the workbook themselves instead of trusting the writer: sheet
names from ``xl/workbook.xml``, cells from each sheet (inline or shared
strings, numbers), and each cell's number format, so that a date is known to
be an Excel date.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def _col(ref: str) -> int:
    n = 0
    for ch in re.match(r"[A-Z]+", ref).group():  # type: ignore[union-attr]
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_workbook(path: Path) -> dict[str, list[list[Any]]]:
    """Sheet name -> rows of cells; dates as ``datetime``, numbers as numbers, text as str."""
    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        shared: list[str] = []
        if "xl/sharedStrings.xml" in z.namelist():
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
                shared.append("".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")))
        styles = ET.fromstring(z.read("xl/styles.xml"))
        formats = {int(f.get("numFmtId", 0)): f.get("formatCode", "")
                   for f in styles.iter(f"{{{NS['m']}}}numFmt")}
        xfs = styles.find("m:cellXfs", NS)
        date_styles = {
            i for i, xf in enumerate(xfs if xfs is not None else [])
            if "yy" in formats.get(int(xf.get("numFmtId", 0)), "")
        }
        out: dict[str, list[list[Any]]] = {}
        for sheet in book.iter(f"{{{NS['m']}}}sheet"):
            target = targets[sheet.get(f"{{{NS['r']}}}id")]
            root = ET.fromstring(z.read("xl/" + target.removeprefix("/xl/")))
            rows: list[list[Any]] = []
            for row in root.iter(f"{{{NS['m']}}}row"):
                index = int(row.get("r", "0")) - 1
                while len(rows) < index:
                    rows.append([])
                cells: list[Any] = []
                for c in row.findall("m:c", NS):
                    col = _col(c.get("r", "A"))
                    while len(cells) < col:
                        cells.append(None)
                    kind = c.get("t")
                    value: Any = None
                    if kind == "inlineStr":
                        value = "".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t"))
                    elif kind == "s":
                        value = shared[int(c.findtext("m:v", "0", NS))]
                    elif (v := c.findtext("m:v", None, NS)) is not None:
                        number = float(v)
                        if int(c.get("s", "0")) in date_styles:
                            value = _EXCEL_EPOCH + dt.timedelta(days=number)
                            value = value.replace(microsecond=0)
                        else:
                            value = int(number) if number.is_integer() else number
                    cells.append(value)
                rows.append(cells)
            out[sheet.get("name", "")] = rows
        return out
