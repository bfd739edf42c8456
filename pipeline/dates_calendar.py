"""Calendar steps shared by the date rules and the references pass: a day moved by whole units, as a
TIMEX3 value at that unit's precision."""
from __future__ import annotations

from datetime import date, timedelta


def moved(day: date, unit: str, n: int) -> tuple[str, str, date] | None:
    """(value, precision, first day) of `day` moved by n units: ('2022-W35', 'week', 2022-08-29) for last
    week; None past the calendar's ends ("3000 years ago" in a text dated 1500)."""
    try:
        return _moved(day, unit, n)
    except (ValueError, OverflowError):
        return None


def _moved(day: date, unit: str, n: int) -> tuple[str, str, date]:
    if unit == "day":
        day += timedelta(days=n)
        return day.isoformat(), "day", day
    if unit == "week":
        monday = day - timedelta(days=day.weekday()) + timedelta(weeks=n)
        year, week, _ = monday.isocalendar()
        return f"{year}-W{week:02d}", "week", monday
    if unit == "month":
        year, month = divmod(day.year * 12 + day.month - 1 + n, 12)
        return f"{year:04d}-{month + 1:02d}", "month", date(year, month + 1, 1)
    if unit == "quarter":
        year, q = divmod(day.year * 4 + (day.month - 1) // 3 + n, 4)
        return f"{year}-Q{q + 1}", "quarter", date(year, 3 * q + 1, 1)
    if unit == "decade":
        decade = day.year // 10 + n
        return f"{decade}X", "decade", date(decade * 10, 1, 1)
    year = day.year + n
    return f"{year:04d}", "year", date(year, 1, 1)
