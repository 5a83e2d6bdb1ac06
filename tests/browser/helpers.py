"""What the browser tests ask of a page: where its requests went, what went wrong in it, whether its Vega charts
drew anything; and where their screenshots go."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sepakat_dagster.paths import REPO_ROOT

LOCAL_SCHEMES = ("file://", "data:", "blob:", "about:")
# Per chart or map element: whether it holds an svg, how many marks Vega drew from data in it (the children of
# its `g.role-mark` groups: axes, legends and titles have other roles, so an empty chart counts 0), and whether
# it shows an error.
DRAWN = """elements => elements.map(element => ({
    name: element.getAttribute("data-chart") || element.getAttribute("data-map") || element.id || element.tagName,
    svg: element.querySelector("svg") !== null,
    marks: element.querySelectorAll("svg g.role-mark > *").length,
    error: element.hasAttribute("data-error") || element.querySelector(".error, [data-error], [role=alert]") !== null,
}))"""


def artifacts_dir() -> Path:
    """`$SEPAKAT_TEST_ARTIFACTS`, or build/test-artifacts/ in the repository (ignored by git)."""
    folder = Path(os.environ.get("SEPAKAT_TEST_ARTIFACTS") or REPO_ROOT / "build" / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass
class WatchedPage:
    """A page with what it asked for and what went wrong in it since it was opened."""

    page: object
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def remote_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(LOCAL_SCHEMES)]

    def assert_clean(self) -> None:
        assert self.requests, "no request recorded: the page did not load"
        assert self.remote_requests() == [], "requests left file://"
        assert self.errors == [], "console errors or uncaught exceptions"

    def drawn(self, selector: str) -> list[dict]:
        return self.page.eval_on_selector_all(selector, DRAWN)

    def screenshot(self, name: str, **options) -> Path:
        path = artifacts_dir() / name
        self.page.screenshot(path=str(path), **options)
        assert path.stat().st_size > 0
        return path
