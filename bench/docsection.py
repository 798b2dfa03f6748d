"""One command's section of a generated doc (docs/benchmarks.md), between its own markers."""

from __future__ import annotations


def with_section(text: str, begin: str, end: str, block: str) -> str:
    """The text with what lies between begin and end (both included) replaced by block, which
    carries the markers itself; appended at the end when the text has no such section yet. The
    other commands' sections are left as they are."""
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        return head + block + rest.split(end, 1)[1]
    return text.rstrip("\n") + "\n\n" + block + "\n"
