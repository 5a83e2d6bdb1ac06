"""Text renderings the source systems use: their date formats, Indonesian decimals, zero-padded codes.

Everything returns Arrow string arrays: the landing files are written from Arrow, and Arrow's string kernels
are much faster than Python string handling on a million rows.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sepakat_synthetic.identifiers import date_parts

Text = pa.Array | np.ndarray | str


def _render_distinct(values: np.ndarray, render: str, parts) -> pa.Array:
    """Format each distinct integer once (Python) and look the rest up (Arrow): much faster than strftime.

    `render` is a str.format template over the three integers `parts(distinct values)` returns.
    """
    lowest = int(values.min(initial=0))
    offset = values - lowest
    present = np.zeros(int(offset.max(initial=0)) + 1, dtype=bool)
    present[offset] = True
    distinct = np.flatnonzero(present) + lowest
    a, b, c = parts(distinct)
    texts = pa.array(
        [render.format(x, y, z) for x, y, z in zip(a.tolist(), b.tolist(), c.tolist(), strict=True)],
        type=pa.string(),
    )
    return texts.take(pa.array((np.cumsum(present) - 1)[offset]))


def _template(fmt: str, codes: tuple[str, str, str]) -> str:
    template = fmt.replace("{", "{{").replace("}", "}}")
    for position, code in enumerate(codes):
        template = template.replace(code, f"{{{position}:0{4 if code == '%Y' else 2}d}}")
    return template


def _clock(seconds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return seconds // 3600, seconds // 60 % 60, seconds % 60


def dates(values: np.ndarray, fmt: str) -> pa.Array:
    """Dates or timestamps in a strftime-style format using %Y %m %d %H %M %S (NULL for NaT)."""
    stamps = np.asarray(values, dtype="datetime64[s]")
    missing = np.isnat(stamps)
    seconds = np.where(missing, 0, stamps.astype(np.int64))
    days = np.floor_divide(seconds, 86_400)
    split = fmt.index("%H") if "%H" in fmt else len(fmt)
    text = _render_distinct(
        days, _template(fmt[:split], ("%Y", "%m", "%d")), lambda d: date_parts(d.astype("datetime64[D]"))
    )
    if split < len(fmt):
        clock = _render_distinct(seconds - days * 86_400, _template(fmt[split:], ("%H", "%M", "%S")), _clock)
        text = pc.binary_join_element_wise(text, clock, "")
    return pc.if_else(pa.array(missing), pa.nulls(len(text), pa.string()), text) if missing.any() else text


def digits(values: np.ndarray, width: int = 0) -> pa.Array:
    """Integers as text, left-padded with zeros to `width`."""
    text = pa.array(np.asarray(values, dtype=np.int64)).cast(pa.string())
    return pc.utf8_lpad(text, width=width, padding="0") if width else text


def decimal_id(values: np.ndarray, decimals: int = 2) -> pa.Array:
    """Indonesian number format: '.' between thousands, ',' before decimals (1.234.567,50); small files."""
    texts = [
        f"{value:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")
        for value in np.asarray(values, dtype=float)
    ]
    return pa.array(texts, type=pa.string())


def small_decimal_id(values: np.ndarray, decimals: int = 2) -> pa.Array:
    """decimal_id for values below 1,000 (no thousands separator), vectorised for large files."""
    scale = 10**decimals
    scaled = np.round(np.asarray(values, dtype=float) * scale).astype(np.int64)
    if scaled.max(initial=0) >= 1000 * scale:
        return decimal_id(values, decimals)
    return join(digits(scaled // scale), ",", digits(scaled % scale, decimals))


def text(values: Text) -> pa.Array:
    return values if isinstance(values, pa.Array) else pa.array(values, type=pa.string())


def join(*parts: Text) -> pa.Array:
    """Element-wise concatenation of arrays and literals (NULL in any part gives NULL)."""
    arrays = [part if isinstance(part, str) else text(part) for part in parts]
    return pc.binary_join_element_wise(*arrays, "")


def lookup(labels: tuple[str, ...] | list[str], index: np.ndarray) -> pa.Array:
    return pa.array(list(labels), type=pa.string()).take(pa.array(np.asarray(index, dtype=np.int64)))


def choose(condition: np.ndarray, if_true: str, if_false: str) -> pa.Array:
    return lookup((if_false, if_true), np.asarray(condition, dtype=np.int64))


def upper(values: Text) -> pa.Array:
    return pc.utf8_upper(text(values))
