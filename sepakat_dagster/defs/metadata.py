"""Metadata shared by the assets of every stage."""


def markdown_table(rows: list[dict]) -> str:
    """Rows (dicts with the same keys) as a Markdown table for the Dagster UI."""
    if not rows:
        return "(no rows)"
    names = list(rows[0])
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row.values()) + " |" for row in rows]
    return "\n".join(lines)
