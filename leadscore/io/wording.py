"""Counts and line numbers in the user's words, for the messages of reading a file."""

from __future__ import annotations

__all__ = ["capitalised", "counted", "has_or_have", "line_list", "megabytes"]


def counted(n: int, noun: str) -> str:
    """``counted(3, "row")`` is "3 rows"; ``counted(1, "row")`` is "1 row"."""
    return f"{n:,} {noun}{'s' if n != 1 else ''}"


def has_or_have(n: int) -> str:
    return "have" if n != 1 else "has"


def line_list(numbers: list[int], total: int) -> str:
    shown = ", ".join(str(n) for n in numbers)
    more = ", ..." if total > len(numbers) else ""
    return f"line{'s' if total > 1 else ''} {shown}{more}"


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
