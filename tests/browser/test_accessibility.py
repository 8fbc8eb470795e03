"""axe-core on every page of the built book, in both views (light desktop, dark phone).

axe-core is pinned in ``tools/axe_core.py`` (4.14, fetched from npm on first use and checked
against the registry's hash) and injected into each page after MathJax has typeset it, on
the load that every other check uses (``conftest.report``); colour contrast is checked on
everything but the formulas, which take the colour of their text, and code blocks whose plain
text and every token have the style of text checked in an earlier block
(``pages.AXE_RUNS_JS``). A violation of impact "serious" or "critical" fails the test, with the rule, the impact and the
first nodes it hit.
"""

import pytest
from conftest import PAGES, VIEWS, per_page


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


@pytest.mark.parametrize("view", ["desktop", "phone"])
@pytest.mark.parametrize("path", per_page(PAGES))
def test_axe_finds_nothing_serious(report, path, view):
    page = report(path, view)
    scheme = VIEWS[view]["color_scheme"]
    assert page["theme"] == scheme, f"{path}: {page['theme']} mode in a {scheme} system"
    # the colour-contrast run leaves formulas out because they take their text's colour
    assert page["coloredMath"] == 0, f"{path}: {page['coloredMath']} formulas set a colour"
    assert not page["axe"], f"{path} ({view}, {scheme} mode):\n  " + describe(page["axe"])
