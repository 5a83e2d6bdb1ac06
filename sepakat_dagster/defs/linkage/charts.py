"""The trained model's charts as one HTML page beside the model, for a forum reviewing what the model learnt.

Splink saves each chart as its own page, each repeating the same loader; one page with the Vega-Lite
specifications of all charts is easier to share and to review in a pull request. The page loads Vega from its
CDN, as Splink's own pages do.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

SCRIPTS = ("vega@5", "vega-lite@5", "vega-embed@6")

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
{scripts}
<style>body {{ font-family: sans-serif; margin: 2em; }} section {{ margin-bottom: 3em; }}</style>
</head><body>
<h1>{title}</h1>
{sections}
<script type="application/json" id="chart-specs">{specs}</script>
<script>
const specs = JSON.parse(document.getElementById("chart-specs").textContent);
for (const [name, spec] of Object.entries(specs)) {{
  vegaEmbed("#" + name, spec).catch((error) => {{
    document.getElementById(name).textContent = "Chart not drawn: " + error.message;
  }});
}}
</script>
</body></html>
"""


def write_charts_page(path: Path, title: str, specs: dict[str, dict[str, Any]]) -> Path:
    """One page drawing each Vega-Lite spec (a chart's `chart_dict`) under its name as a heading."""
    sections = "\n".join(f'<section><h2>{html.escape(name.replace("_", " "))}</h2><div id="{name}"></div></section>'
                         for name in specs)
    scripts = "\n".join(f'<script src="https://cdn.jsdelivr.net/npm/{name}"></script>' for name in SCRIPTS)
    # "</" inside the JSON would end the script element early.
    payload = json.dumps(specs, sort_keys=True).replace("</", "<\\/")
    path.write_text(PAGE.format(title=html.escape(title), scripts=scripts, sections=sections, specs=payload),
                    encoding="utf-8")
    return path
