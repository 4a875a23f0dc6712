"""Markdown output of the tools."""
from typing import Any, Sequence


def markdown_table(header: Sequence[str],
                   rows: Sequence[Sequence[Any]]) -> str:
    """A markdown table of ``rows`` under ``header``, cells as ``str``."""
    lines = [header, ['---'] * len(header)] + [list(map(str, r)) for r in rows]
    return '\n'.join('| ' + ' | '.join(line) + ' |' for line in lines)
