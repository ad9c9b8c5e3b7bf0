"""Make the sample roster of docs/office.md: 名单.xlsx and 名单.csv (UTF-8 with BOM, as
Excel's "CSV UTF-8" saves it) and 名单-gb18030.csv (as Chinese Excel's plain "CSV" saves it).

    .venv/bin/python examples/roster/make_roster.py [FOLDER]

One row is wrong on purpose (a phone with a digit missing), to show the report.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from openpyxl import Workbook

HEADER = ["姓名", "手机号", "社区", "技能", "志愿者编号", "备注"]
ROWS = [
    ["李建国", "13812345678", "东庄社区", "理发", "53010200000001", "退休理发师"],
    ["王秀英", "13987654321", "东庄社区", "理发、按摩", "", ""],
    ["张伟", "13700001111", "金星社区", "急救", "53010200000003", ""],
    ["赵丽", "1360000222", "金星社区", "", "", "手机号少一位"],
    ["陈志强", "0871-63123456", "金实社区", "维修、电工", "", "座机"],
]


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "名单"
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    book.save(folder / "名单.xlsx")
    for name, encoding in (("名单.csv", "utf-8-sig"), ("名单-gb18030.csv", "gb18030")):
        with (folder / name).open("w", newline="", encoding=encoding) as out:
            writer = csv.writer(out)
            writer.writerow(HEADER)
            writer.writerows(ROWS)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent)
