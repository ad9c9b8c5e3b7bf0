"""Make the sample roster of docs/office.md: 名单.xlsx and 名单.csv (UTF-8 with BOM, as
Excel's "CSV UTF-8" saves it) and 名单-gb18030.csv (as Chinese Excel's plain "CSV" saves it).

    python examples/roster/make_roster.py [FOLDER]     (civicvol installed with [office])

One row is wrong on purpose (a phone with a digit missing), to show the report.
"""

from __future__ import annotations

import sys
from pathlib import Path

from civicvol.office.sheets import Sheet, write_sheets

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
    roster = [Sheet("名单", HEADER, ROWS)]
    write_sheets(folder / "名单.xlsx", roster)
    write_sheets(folder / "名单.csv", roster)  # UTF-8 with BOM
    write_sheets(folder / "名单-gb18030.csv", roster, encoding="gb18030")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent)
