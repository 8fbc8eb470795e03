"""Sphinx extension: accessibility fixes to the theme's navigation markup.

pydata-sphinx-theme draws the expander of a chapter with sections in the sidebar as a
``<summary>`` holding only a decorative chevron, so a screen reader announces an unnamed
control (axe-core: summary-name, serious). Each such summary gets a name here.
docutils marks the bibliography's container ``role="list"`` although its entries are not
list items (axe-core: aria-required-children, critical); the role is dropped. The toggle of
a hidden code cell is named by its visible text ("Show code cell source"), not by a label
that does not contain it (axe-core 4.14: label-content-name-mismatch), as is the search
button of the sidebar (``tools/templates/search-button-field.html``). The layout change (no
duplicate top bar; the menu-button workaround) is in ``tools/templates/layout.html``.
"""

from markupsafe import Markup

LIST_WITHOUT_ITEMS = '<div role="list" class="citation-list">'
# myst-nb names the toggle of a hidden cell "Toggle hidden content" while it shows "Show code
# cell source": a name that does not contain the visible label (axe-core 4.14: WCAG 2.5.3,
# label in name). Without the label, the name is the visible text.
TOGGLE_WITH_OTHER_NAME = '<summary aria-label="Toggle hidden content">'
TOGGLE_NAMED_BY_ITS_TEXT = "<summary>"
PLAIN_CONTAINER = '<div class="citation-list">'
UNNAMED_SUMMARY = '<summary><span class="toctree-toggle"'
NAMED_SUMMARY = '<summary aria-label="Show or hide its sections"><span class="toctree-toggle"'


def _name_expanders(app, pagename, templatename, context, doctree):
    generate = context.get("generate_toctree_html")
    if generate is None:
        return

    def generate_named(*args, **kwargs):
        html = generate(*args, **kwargs)
        # str() first: Markup.replace would escape both arguments and never match
        return Markup(str(html).replace(UNNAMED_SUMMARY, NAMED_SUMMARY))

    context["generate_toctree_html"] = generate_named


def _drop_list_role(app, pagename, templatename, context, doctree):
    if LIST_WITHOUT_ITEMS in context.get("body", ""):
        context["body"] = context["body"].replace(LIST_WITHOUT_ITEMS, PLAIN_CONTAINER)


def _name_toggles_by_their_text(app, pagename, templatename, context, doctree):
    if TOGGLE_WITH_OTHER_NAME in context.get("body", ""):
        context["body"] = context["body"].replace(TOGGLE_WITH_OTHER_NAME, TOGGLE_NAMED_BY_ITS_TEXT)


def setup(app):
    app.connect("html-page-context", _name_expanders, priority=900)
    app.connect("html-page-context", _drop_list_role, priority=900)
    app.connect("html-page-context", _name_toggles_by_their_text, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
