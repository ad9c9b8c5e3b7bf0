"""Roster files as an office makes them: .xlsx through openpyxl, CSV in UTF-8 or GB18030."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook, load_workbook

HEADER = ["姓名", "手机号", "社区", "技能", "备注"]


def people(n: int, start: int = 0) -> list[list[object]]:
    return [[f"志愿者{i}", f"139{i:08d}", "东庄社区", "理发、按摩", ""]
            for i in range(start, start + n)]


def write_xlsx(path: Path, header: Sequence[object], rows: Sequence[Sequence[object]],
               sheet: str = "名单") -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    book.save(path)
    return path


def write_csv(path: Path, header: Sequence[object], rows: Sequence[Sequence[object]],
              encoding: str = "utf-8-sig") -> Path:
    with path.open("w", newline="", encoding=encoding) as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_xlsx(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def read_csv(path: Path, encoding: str = "utf-8-sig") -> list[list[str]]:
    with path.open(newline="", encoding=encoding) as f:
        return list(csv.reader(f))
