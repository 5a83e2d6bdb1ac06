"""Metadata shared by the assets of every stage."""


def markdown_table(rows: list[dict], *, measures: bool = False) -> str:
    """Rows (dicts with the same keys) as a Markdown table for the Dagster UI.

    With `measures`, numbers are counts and rates: integers get thousands separators and floats four decimals.
    Without it values show as stored, so a code or a year in a table preview reads as it does in the warehouse.
    """
    if not rows:
        return "(no rows)"
    names = list(rows[0])
    cell = _measure if measures else str
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    lines += ["| " + " | ".join("" if v is None else cell(v) for v in row.values()) + " |" for row in rows]
    return "\n".join(lines)


def _measure(value) -> str:
    return f"{value:.4f}" if isinstance(value, float) else f"{value:,}" if isinstance(value, int) else str(value)
