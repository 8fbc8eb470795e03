"""Finding one's way in the built book (issue 19, item 6), as a reader does it.

- On a phone, a tap on a link of the "on this page" drawer takes the reader there and
  closes the drawer.
- On a desktop, the "on this page" list highlights the section being read, also after a
  jump into the middle of a section several sections away (the theme's own highlighter
  changes only when a heading crosses the top of the window), and the last one at the end
  of the page.
- The magnifying glass of a search field never covers the text typed into it.
- A tap on "Exercise N" in a solution's header opens the solution instead of jumping away.

Each test loads its page itself (it clicks and scrolls) and waits for what it expects, with
no fixed pause (``conftest.PATIENCE_MS`` bounds every wait).
"""

import pytest

CHAPTER = "book/ch01_linear_systems.html"
ACTIVE_JS = "() => [...document.querySelectorAll('#pst-page-toc-nav a.active')].map(a => a.hash)"
# the first solution's header, its link to the exercise, and whether the solution is open
SOLUTION_JS = """() => {
  const title = document.querySelector('.solution.dropdown > .admonition-title');
  return {hidden: title.parentElement.classList.contains('toggle-hidden'), hash: location.hash,
          top: title.getBoundingClientRect().top};
}"""


def test_phone_contents_drawer_closes_after_a_tap(visit):
    page = visit(CHAPTER, view="phone").page
    page.locator(".secondary-toggle:visible").click()
    drawer = page.locator("dialog#pst-secondary-sidebar-modal[open]")
    drawer.wait_for(state="visible")
    link = drawer.locator("#pst-page-toc-nav a").nth(3)
    target = link.get_attribute("href")
    link.tap()
    page.wait_for_function("() => !document.querySelector('dialog[open]')")
    page.wait_for_function(
        f"""() => {{ const r = document.getElementById({target[1:]!r}).getBoundingClientRect();
                     return r.top >= -1 && r.top < window.innerHeight / 2; }}""")
    assert page.evaluate("() => location.hash") == target


# Scroll in one jump (as a link into the text, a flick or the scroll bar does) to a place
# inside a section, its heading just above the window and the next one well below the top:
# that section is the one being read. Returns False if the section is too short for that.
JUMP_INTO_JS = """id => {
  const heading = document.getElementById(id);
  window.scrollTo(0, heading.getBoundingClientRect().top + window.scrollY + 150);
  const next = [...document.querySelectorAll('#pst-page-toc-nav a')]
      .map(a => document.getElementById(a.hash.slice(1)))
      .find(h => h.getBoundingClientRect().top > heading.getBoundingClientRect().top);
  return !next || next.getBoundingClientRect().top > window.innerHeight / 2;
}"""


def test_desktop_contents_follow_the_reader(visit):
    page = visit(CHAPTER, view="desktop").page
    sections = page.evaluate(
        "() => [...document.querySelectorAll('#pst-page-toc-nav a')].map(a => a.hash.slice(1))")
    assert len(sections) >= 6, sections
    # jumps from the top into a section several sections down, back up, and far down
    checked = 0
    for section in (sections[5], sections[1], sections[-3]):
        if not page.evaluate(JUMP_INTO_JS, section):
            continue
        checked += 1
        page.wait_for_function(f"() => ({ACTIVE_JS})().includes('#{section}')")
        active = page.evaluate(ACTIVE_JS)
        assert active == [f"#{section}"], f"in {section} the contents highlight {active}"
    assert checked >= 2, "the chosen sections are too short to jump into"
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function(f"() => ({ACTIVE_JS})().includes('#{sections[-1]}')")


@pytest.mark.parametrize("view", ["desktop", "phone"])
@pytest.mark.parametrize("where", ["dialog", "page"])
def test_search_icon_leaves_the_typed_text_clear(visit, view, where):
    if where == "dialog":
        page = visit(CHAPTER, view=view).page
        page.locator(".search-button__button:visible").first.click()
        field = page.locator("#pst-search-dialog input")
        form = "#pst-search-dialog form.bd-search"
    else:
        page = visit("search.html", view=view).page
        field = page.locator(".bd-search-container form.bd-search input")
        form = ".bd-search-container form.bd-search"
    field.wait_for(state="visible")
    field.type("Jacobian")
    icon_right, text_left = page.evaluate(
        f"""() => {{
          const form = document.querySelector({form!r});
          const input = form.querySelector('input'), style = getComputedStyle(input);
          const icon = form.querySelector('.fa-magnifying-glass').getBoundingClientRect();
          return [icon.right, input.getBoundingClientRect().left
                  + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft)];
        }}""")
    assert icon_right <= text_left, (
        f"the magnifying glass ends at {icon_right:.0f} px, the typed text starts at "
        f"{text_left:.0f} px")


@pytest.mark.parametrize("view", ["desktop", "phone"])
def test_exercise_link_in_a_solution_header_opens_the_solution(visit, view):
    v = visit(CHAPTER, view=view)
    page = v.page
    title = page.locator(".solution.dropdown > .admonition-title").first
    title.scroll_into_view_if_needed()
    before = page.evaluate(SOLUTION_JS)
    assert before["hidden"], "the solution is open before the tap"
    link = title.locator("a").first
    link.tap() if view == "phone" else link.click()
    page.wait_for_function(
        "() => !document.querySelector('.solution.dropdown').classList.contains('toggle-hidden')")
    after = page.evaluate(SOLUTION_JS)
    assert after["hash"] == before["hash"], f"the tap jumped to {after['hash']}"
    assert abs(after["top"] - before["top"]) < 2, "the page moved away from the solution"
    link.tap() if view == "phone" else link.click()  # and a second tap closes it again
    page.wait_for_function(
        "() => document.querySelector('.solution.dropdown').classList.contains('toggle-hidden')")
    assert not v.problems, "\n".join(v.problems)
