/* The book's own script, on top of sphinx-book-theme (Jupyter Book adds it to every page).
   Checked in tests/browser.

   1. Display formulas wider than their column shrink to fit, down to MIN_SCALE; what is
      still wider scrolls, and every box that scrolls sideways (formulas, tables, code,
      outputs) fades out at the edge it continues past (mathnotes.css draws the fade).
   2. A picture shown smaller than its natural size links to itself at full size, in a new tab.
   3. A short inline formula or piece of code keeps the punctuation that touches it on its
      line: no line ends with "(" before a formula, none starts with the "," after one (a
      browser may break a line on either side of a formula, as of any inline box); short
      code is not split at its spaces. Exported as
      window.mathnotesGlueMath for tools/book_pdf.py, which joins the pages into one.
   4. A table of three or more columns gets, in each cell, its column's header as a label:
      on a phone (mathnotes.css) its rows are then laid out as cards, one cell under the
      other, instead of hiding the last columns beyond the edge of a box that scrolls.
   5. Navigation: the "on this page" drawer of a phone closes after a tap on a link; the
      desktop "on this page" list highlights the section being read; tapping "Exercise N" in
      a solution's header opens or closes the solution instead of jumping to the exercise.

   When MathJax has typeset the page and the layout above is done, <html> gets
   data-mathnotes-layout="ready" (the browser tests wait for it). */
(() => {
  "use strict";

  const MIN_SCALE = 0.8; // the smallest display formula: 80 % of its size (its scripts ~9.5 px)
  const SCROLLERS = [
    'main mjx-container[jax="CHTML"][display="true"]',
    "main .pst-scrollable-table-container",
    "main div.highlight pre",
    "main div.cell_output .text_html",
    "main div.mathnotes-check",
  ].join(", ");
  const FADE_LEFT = "mathnotes-more-left";
  const FADE_RIGHT = "mathnotes-more-right";

  // ---- 1. formulas that fit, and the cue on whatever still scrolls ----
  function fitFormula(math) {
    const inner = math.querySelector(":scope > mjx-math");
    if (!inner || math.clientWidth === 0) return; // not shown (a closed dropdown)
    inner.style.fontSize = "";
    const natural = math.scrollWidth;
    if (natural > math.clientWidth + 1) {
      const scale = Math.max(MIN_SCALE, math.clientWidth / natural);
      inner.style.fontSize = `${Math.floor(scale * 1000) / 10}%`;
    }
  }

  function updateCue(box) {
    const hidden = box.scrollWidth - box.clientWidth;
    const scrolls = hidden > 1 && box.clientWidth > 0;
    box.classList.toggle(FADE_LEFT, scrolls && box.scrollLeft > 1);
    box.classList.toggle(FADE_RIGHT, scrolls && box.scrollLeft < hidden - 1);
    if (scrolls) {
      // a keyboard reaches what scrolls (the theme does this for its tables and code)
      if (!box.hasAttribute("tabindex")) box.tabIndex = 0;
      // the fade spares the scroll bar, where the platform draws one
      const style = getComputedStyle(box);
      const borders = parseFloat(style.borderTopWidth) + parseFloat(style.borderBottomWidth);
      const bar = Math.max(0, box.offsetHeight - box.clientHeight - borders);
      box.style.setProperty("--mathnotes-scrollbar", `${bar}px`);
    }
  }

  function layoutBox(box) {
    if (box.matches("mjx-container")) fitFormula(box);
    updateCue(box);
  }

  const resized = new ResizeObserver((entries) => {
    for (const entry of entries) layoutBox(entry.target);
  });

  function watchScrollers() {
    for (const box of document.querySelectorAll(SCROLLERS)) {
      layoutBox(box);
      box.addEventListener("scroll", () => updateCue(box), { passive: true });
      resized.observe(box);
    }
  }

  // ---- 2. pictures shown smaller than their natural size open at full size ----
  function markReduced(img) {
    const link = img.closest("a.image-reference");
    if (!link || !img.naturalWidth) return;
    // the PNGs have twice the pixels of their natural CSS size (mathnotes._figures);
    // img.width is the picture's shown width, without the card dark mode puts around it
    const reduced = img.width < img.naturalWidth / 2 - 1;
    link.classList.toggle("mathnotes-zoomable", reduced);
  }

  function watchPictures() {
    const pictures = new ResizeObserver((entries) => {
      for (const entry of entries) markReduced(entry.target);
    });
    for (const img of document.querySelectorAll("main a.image-reference img")) {
      const link = img.closest("a.image-reference");
      link.target = "_blank";
      link.rel = "noopener";
      link.title = "Open the picture at full size (new tab)";
      if (img.complete) markReduced(img);
      else img.addEventListener("load", () => markReduced(img), { once: true });
      pictures.observe(img);
    }
  }

  // ---- 3. punctuation stays with its formula ----
  const OPENING = /[(\[{\u201c\u2018]+$/; // "(" "[" "{" and opening quotes, before a formula
  const CLOSING = /^(?:[,.;:!?)\]}\u2019\u201d]+|-\w+)/; // after one: punctuation, "-wise"
  // a formula of up to 15 symbols, or code of up to 12 characters, and its comma fit any line
  const MAX_GLUED_SYMBOLS = 15;
  const MAX_GLUED_CODE = 12;

  function short(piece) {
    if (piece.matches("code")) return piece.textContent.length <= MAX_GLUED_CODE;
    const symbols = (piece.querySelector("mjx-assistive-mml") || piece).textContent;
    return symbols.replace(/\s+/g, "").length <= MAX_GLUED_SYMBOLS;
  }

  function glueMath(root) {
    for (const piece of root.querySelectorAll("span.math, code.literal")) {
      // a long piece keeps its freedom: with its comma it could be wider than a phone's line
      if (piece.parentElement.classList.contains("mathnotes-nobreak") || !short(piece)) continue;
      // short code is not split at its spaces either: "(n, 1)" stays whole
      if (piece.matches("code")) piece.classList.add("mathnotes-nobreak");
      const before = piece.previousSibling;
      const after = piece.nextSibling;
      const opening = before && before.nodeType === Node.TEXT_NODE && before.data.match(OPENING);
      const closing = after && after.nodeType === Node.TEXT_NODE && after.data.match(CLOSING);
      if (!opening && !closing) continue;
      const glue = document.createElement("span");
      glue.className = "mathnotes-nobreak";
      piece.replaceWith(glue);
      if (opening) {
        before.data = before.data.slice(0, -opening[0].length);
        glue.append(opening[0]);
      }
      glue.append(piece);
      if (closing) {
        after.data = after.data.slice(closing[0].length);
        glue.append(closing[0]);
      }
    }
  }
  window.mathnotesGlueMath = glueMath;

  // ---- 4. wide tables as cards on a phone ----
  function labelCells(root) {
    for (const table of root.querySelectorAll(".pst-scrollable-table-container > table")) {
      const rows = table.tHead ? table.tHead.rows : [];
      const headers = rows.length ? [...rows[rows.length - 1].cells] : [];
      const body = [...table.tBodies].flatMap((tbody) => [...tbody.rows]);
      const plain = (cell) => cell.colSpan === 1 && cell.rowSpan === 1;
      if (headers.length < 3 || rows.length > 1 || !headers.every(plain)) continue;
      if (!body.every((row) => row.cells.length === headers.length && [...row.cells].every(plain))) {
        continue;
      }
      table.classList.add("mathnotes-stack");
      for (const row of body) {
        [...row.cells].forEach((cell, k) => {
          const label = document.createElement("span");
          label.className = "mathnotes-cell-label";
          const header = headers[k].querySelector(":scope > p") || headers[k];
          label.append(...[...header.childNodes].map((node) => node.cloneNode(true)));
          cell.prepend(label);
        });
      }
    }
  }

  // ---- 5. navigation ----
  function closeDrawerOnTap() {
    document.addEventListener("click", (event) => {
      const link = event.target.closest("dialog a[href]");
      const drawer = link && link.closest("dialog[open]");
      if (drawer && drawer.id !== "pst-search-dialog") drawer.close();
    });
  }

  function solutionTitlesToggle() {
    // capture: before sphinx-togglebutton's handler on the title, which cannot handle a link
    document.addEventListener(
      "click",
      (event) => {
        const link = event.target.closest(".admonition.dropdown > .admonition-title a");
        if (!link) return;
        event.preventDefault();
        event.stopPropagation();
        const button = link.closest(".admonition-title").querySelector("button.toggle-button");
        if (button) button.click();
      },
      true,
    );
  }

  function followTheReader() {
    const toc = document.querySelector("#pst-page-toc-nav");
    if (!toc) return;
    const links = [...toc.querySelectorAll("a[href^='#']")];
    const sections = links
      .map((link) => {
        const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
        const heading = target && (target.querySelector("h1, h2, h3, h4, h5, h6") || target);
        return heading && { link, heading };
      })
      .filter(Boolean);
    if (!sections.length) return;

    function current() {
      // the last section whose heading has reached the upper third of the window; at the
      // end of the page, the last one whose heading is in view
      const atEnd = window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
      const line = atEnd ? window.innerHeight : window.innerHeight / 3;
      let found = sections[0];
      for (const section of sections) {
        if (section.heading.getBoundingClientRect().top <= line) found = section;
      }
      return found.link;
    }

    function highlight() {
      const active = current();
      for (const link of links) {
        const on = link === active;
        if (link.classList.contains("active") !== on) link.classList.toggle("active", on);
        if (on) link.setAttribute("aria-current", "true");
        else link.removeAttribute("aria-current");
      }
      for (const entry of toc.querySelectorAll(".toc-entry")) {
        const on = entry.contains(active);
        if (entry.classList.contains("active") !== on) entry.classList.toggle("active", on);
      }
    }

    let queued = false;
    const soon = () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        highlight();
      });
    };
    window.addEventListener("scroll", soon, { passive: true });
    window.addEventListener("resize", soon);
    // the theme's own highlighter (an IntersectionObserver that misses headings passed in
    // one jump) still runs: whatever it changes is set right again
    new MutationObserver(soon).observe(toc, { subtree: true, attributeFilter: ["class"] });
    highlight();
  }

  function ready() {
    glueMath(document.querySelector("main") || document.body);
    labelCells(document.querySelector("main") || document.body);
    watchScrollers();
    watchPictures();
    followTheReader();
    document.documentElement.dataset.mathnotesLayout = "ready";
  }

  closeDrawerOnTap();
  solutionTitlesToggle();
  window.addEventListener("load", () => {
    const typeset = window.MathJax && MathJax.startup && MathJax.startup.promise;
    Promise.resolve(typeset)
      .then(() => document.fonts.ready)
      .then(ready, ready);
  });
})();
