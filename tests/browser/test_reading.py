"""Reading the built book at desktop (1280 px, light) and phone (390 px, dark) width.

- both menus (chapters, contents) open and close on a click at both widths;
- the page follows the reader's system colour scheme;
- at 390 px no page scrolls sideways and no formula is cut off;
- printed output keeps its lines (text and HTML tables of numbers scroll, never wrap);
- code boxes fit the column at 1280 px, solutions (dropdowns) as wide as other code.

All but the menus read the one load of each page per view (``conftest.report``).
"""

import pytest
from conftest import CHAPTERS, PAGES, per_page


# At 1280 px the contents sidebar is always shown and has no button.
@pytest.mark.parametrize(
    "view, toggles",
    [("phone", (".primary-toggle", ".secondary-toggle")), ("desktop", (".primary-toggle",))],
)
def test_menus_open_and_close(visit, view, toggles):
    v = visit("book/ch01_linear_systems.html", view=view)
    page = v.page
    # on a phone the theme moves the sidebars' contents into a modal dialog
    chapter_link = page.locator('nav.bd-links a[href$="ch02_partial_derivatives.html"]')
    toc_link = page.locator("#pst-page-toc-nav a").first
    links = {".primary-toggle": chapter_link, ".secondary-toggle": toc_link}
    for toggle in toggles:
        link = links[toggle]
        button = page.locator(f"{toggle}:visible")
        assert button.count() == 1, f"{button.count()} visible {toggle} buttons"
        before = link.is_visible()
        button.click()
        (link.wait_for(state="hidden") if before else link.wait_for(state="visible"))
        if page.locator("dialog[open]").count():
            page.keyboard.press("Escape")
        else:
            button.click()
        (link.wait_for(state="visible") if before else link.wait_for(state="hidden"))
    assert not v.problems, "\n".join(v.problems)


@pytest.mark.xdist_group("book/intro.html")
def test_colour_mode_follows_the_system(report):
    # the desktop view asks for light mode, the phone view for dark
    assert report("book/intro.html", "desktop")["theme"] == "light"
    assert report("book/intro.html", "phone")["theme"] == "dark"


@pytest.mark.parametrize("path", per_page(PAGES))
def test_phone_page_never_sideways(report, path):
    sideways = report(path, "phone")["layout"]["sideways"]
    assert sideways <= 0, f"{path} scrolls sideways by {sideways} px at 390 px"


@pytest.mark.parametrize("path", per_page(PAGES))
def test_printed_output_scrolls_never_wraps(report, path):
    wrapping = report(path, "phone")["layout"]["wrapping"]
    assert not wrapping, f"{path}: output text that wraps:\n  " + "\n  ".join(wrapping)


@pytest.mark.parametrize("path", per_page(PAGES))
def test_code_fits_its_box_at_desktop_width(report, path):
    wide = report(path, "desktop")["layout"]["wideCode"]
    assert not wide, f"{path}: code boxes that scroll sideways at 1280 px:\n  " + "\n  ".join(wide)


@pytest.mark.parametrize("path", per_page(CHAPTERS))
def test_solutions_as_wide_as_the_column(report, path):
    layout = report(path, "desktop")["layout"]
    # the dropdown's left rule (a few px) is the only difference allowed
    narrow = [w for w in layout["solutions"] if w < layout["column"] - 4]
    assert not narrow, f"{path}: solution code {narrow} px wide, other code {layout['column']} px"
