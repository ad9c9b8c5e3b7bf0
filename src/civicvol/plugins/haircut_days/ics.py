"""The coming haircut sessions as an iCalendar file (RFC 5545), for residents' phones.

Written by hand because it is a few lines: CRLF line endings, lines folded at 75 octets
without splitting a UTF-8 character, text values escaped, a stable UID per session and a
DTSTAMP on every event. Times are written in UTC, so no VTIMEZONE is needed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, timezone

import attrs

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
PRODID = "-//civicvol//haircut-days//ZH"


@attrs.frozen
class CalendarEntry:
    day: date
    summary: str
    location: str = ""
    description: str = ""
    uid_key: str = ""


def sessions_ics(entries: Iterable[CalendarEntry], start: time, hours: int, stamp: datetime,
                 name: str = "学雷锋志愿理发队") -> str:
    """The iCalendar text (with CRLF line endings) of ``entries``, each from ``start``
    (Beijing time) for ``hours``; ``stamp`` is the DTSTAMP (when the file was made)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(name)}"]
    for entry in entries:
        begins = datetime.combine(entry.day, start, BEIJING)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{entry.uid_key or entry.day.isoformat()}@haircut-days.civicvol",
            f"DTSTAMP:{utc(stamp)}",
            f"DTSTART:{utc(begins)}",
            f"DTEND:{utc(begins + timedelta(hours=hours))}",
            f"SUMMARY:{escape(entry.summary)}",
        ]
        if entry.location:
            lines.append(f"LOCATION:{escape(entry.location)}")
        if entry.description:
            lines.append(f"DESCRIPTION:{escape(entry.description)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape(text: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon and comma escaped, newlines as \\n."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def fold(line: str, limit: int = 75) -> str:
    """Fold a content line into lines of at most ``limit`` octets; continuation lines start
    with one space, and a multi-byte character is never split."""
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size = " ", 1  # the continuation's leading space counts as an octet
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)
