"""The header table: the columns an office's roster may have, in Chinese or English.

A header is matched after trimming, lower-casing and dropping spaces, underscores and
parentheses, so "手机号码", "Phone", "phone number" and "（手机号）" all name the phone.
docs/office.md shows this table; a test keeps the two equal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# field: the headers that name it (the first Chinese and the first English are the ones
# civicvol writes).
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "name", "full name"),
    "phone": ("手机号", "手机", "手机号码", "联系电话", "电话", "phone", "mobile",
              "phone number"),
    "community": ("社区", "所在社区", "community"),
    "skills": ("技能", "特长", "skills", "skill"),
    "team": ("队伍", "所属队伍", "team"),
    # 全国志愿者编号 first: civicvol's own id is "志愿者ID", and a bare "志愿者编号" could be read
    # as either, so civicvol writes the unambiguous name (and reads both).
    "national_number": ("全国志愿者编号", "志愿者编号", "national volunteer number",
                        "volunteer number"),
    "volunteer_id": ("志愿者ID", "volunteer id"),
}
# The columns an import report adds: read back without complaint when it is re-imported.
REPORT_FIELDS: dict[str, tuple[str, ...]] = {
    "result": ("导入结果", "import result"),
    "column": ("问题列", "problem column"),
    "reason": ("原因", "reason"),
}
# Skills in one cell: "理发、按摩" or "理发, 按摩".
SKILL_SEPARATORS = re.compile(r"[,，、;；/|]+")


def normal(header: object) -> str:
    text = "" if header is None else str(header)
    return re.sub(r"[\s_()（）]+", "", text).lower()


_BY_HEADER = {normal(h): field for table in (HEADERS, REPORT_FIELDS)
              for field, names in table.items() for h in names}


def map_headers(headers: Sequence[object]) -> tuple[dict[str, int], list[str]]:
    """The column index of each field found, and the headers that name no field (reported,
    their cells ignored). A field named twice keeps its first column; the second is unknown."""
    fields: dict[str, int] = {}
    unknown: list[str] = []
    for index, header in enumerate(headers):
        field = _BY_HEADER.get(normal(header))
        if field is None or field in fields:
            if normal(header):
                unknown.append(str(header))
            continue
        fields[field] = index
    return fields, unknown


def split_skills(cell: str) -> list[str]:
    return [s.strip() for s in SKILL_SEPARATORS.split(cell) if s.strip()]
