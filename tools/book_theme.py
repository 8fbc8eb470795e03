"""Sphinx extension: accessibility fixes to the theme's navigation markup.

pydata-sphinx-theme draws the expander of a chapter with sections in the sidebar as a
``<summary>`` holding only a decorative chevron, so a screen reader announces an unnamed
control (axe-core: summary-name, serious). Each such summary gets a name here. The
layout change (no duplicate top bar; the menu-button workaround) is in
``tools/templates/layout.html``.
"""

UNNAMED_SUMMARY = '<summary><span class="toctree-toggle"'
NAMED_SUMMARY = '<summary aria-label="Show or hide its sections"><span class="toctree-toggle"'


def _name_expanders(app, pagename, templatename, context, doctree):
    generate = context.get("generate_toctree_html")
    if generate is None:
        return

    def generate_named(*args, **kwargs):
        html = generate(*args, **kwargs)
        return html.replace(UNNAMED_SUMMARY, NAMED_SUMMARY) if isinstance(html, str) else html

    context["generate_toctree_html"] = generate_named


def setup(app):
    app.connect("html-page-context", _name_expanders, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
