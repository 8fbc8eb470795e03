"""axe-core on every page of the built book, in light and in dark mode.

axe-core comes from the pinned PyPI package axe-playwright-python (it ships
``axe.min.js``; see requirements.txt), injected into each page after MathJax has
typeset it. A violation of impact "serious" or "critical" fails the test, with
the rule, the impact and the first nodes it hit.
"""

from pathlib import Path

import pytest
from conftest import PAGES

BLOCKING = ("serious", "critical")


def _axe_script():
    import axe_playwright_python

    return Path(axe_playwright_python.__file__).with_name("axe.min.js")


def axe_violations(page):
    """Run axe-core in ``page``; return its violations of impact serious or critical."""
    page.add_script_tag(path=str(_axe_script()))
    result = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']})"
    )
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(violations):
    lines = []
    for v in violations:
        targets = []
        for node in v["nodes"][:3]:
            data = (node.get("any") or [{}])[0].get("data") or {}
            colours = (
                f" ({data['fgColor']} on {data['bgColor']}, {data['contrastRatio']}:1)"
                if isinstance(data, dict) and "fgColor" in data
                else ""
            )
            targets.append(" ".join(map(str, node["target"])) + colours)
        lines.append(f"{v['impact']} {v['id']} on {len(v['nodes'])} node(s): {v['help']}; {targets}")
    return "\n  ".join(lines)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_nothing_serious(visit, path, scheme):
    v = visit(path, color_scheme=scheme)
    assert v.page.evaluate("document.documentElement.dataset.theme") == scheme
    violations = axe_violations(v.page)
    assert not violations, f"{path} ({scheme} mode):\n  " + describe(violations)
