"""What is where on the pages of a PDF printed by Chromium: text lines, pictures, fill.

Used by ``tools/book_pdf.py`` (which page each section landed on, how full the pages are)
and by ``tests/browser/test_pdf.py``. Reads the page content with pypdf: every piece of text
with its position, size and font, every painted rectangle (code boxes, rules) and every
picture, in points from the bottom left corner of the page.
"""

from dataclasses import dataclass, field

from pypdf import PdfReader

#: the margins tools/book_pdf.py prints with, in points (1 mm = 72 / 25.4 pt)
MM = 72 / 25.4
TOP, BOTTOM = 16 * MM, 18 * MM


@dataclass
class Line:
    """One line of text: its baseline, largest font size, whether all of it is bold."""

    y: float
    size: float
    bold: bool
    text: str


@dataclass
class Page:
    """The text lines (top to bottom), pictures (x0, y0, x1, y1) and lowest ink of a page."""

    number: int
    height: float
    lines: list = field(default_factory=list)
    pictures: list = field(default_factory=list)
    lowest: float = None  # the lowest point of anything drawn above the footer

    @property
    def fill(self):
        """The share of the text area, from its top down to the lowest ink (0 for a blank page)."""
        if self.lowest is None:
            return 0.0
        top, bottom = self.height - TOP, BOTTOM
        return min(1.0, max(0.0, (top - self.lowest) / (top - bottom)))


def _apply(matrix, x, y):
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f


def _numbers(args):
    for value in args:
        try:
            yield float(value)
        except (TypeError, ValueError):
            pass  # a pattern's name


def _page(number, pdf_page):
    page = Page(number, float(pdf_page.mediabox.height))
    pieces, rectangles, ink = [], [], []
    colours = [(0.0,)]  # the fill colour, saved and restored with the graphics state

    def text(content, cm, tm, font, size):
        if not content.strip():
            return
        matrix = [tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3],
                  tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3],
                  tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]]
        scale = abs(matrix[3]) or 1.0
        name = str((font or {}).get("/BaseFont", ""))
        pieces.append((matrix[5], matrix[4], size * scale, "Bold" in name, content))

    def operator(op, args, cm, tm):
        if op == b"re" and len(args) == 4:
            x, y, w, h = (float(v) for v in args)
            corners = [_apply(cm, x + dx, y + dy) for dx in (0, w) for dy in (0, h)]
            rectangles.append(corners)
        elif op in (b"rg", b"g", b"k", b"sc", b"scn"):
            colours[-1] = tuple(_numbers(args))
        elif op == b"q":
            colours.append(colours[-1])
        elif op == b"Q" and len(colours) > 1:
            colours.pop()
        elif op in (b"f", b"f*", b"F", b"B", b"B*", b"b", b"b*", b"S", b"s"):
            white = op in (b"f", b"f*", b"F") and colours[-1] in ((1.0, 1.0, 1.0), (1.0,))
            if not white:  # white on white (the page's background) is no ink
                ink.extend(rectangles)
            rectangles.clear()
        elif op == b"n":
            rectangles.clear()  # a clipping path, not drawn
        elif op == b"Do":
            corners = [_apply(cm, dx, dy) for dx in (0, 1) for dy in (0, 1)]
            xs, ys = [x for x, _ in corners], [y for _, y in corners]
            page.pictures.append((min(xs), min(ys), max(xs), max(ys)))
            ink.append(corners)

    pdf_page.extract_text(visitor_text=text, visitor_operand_before=operator)
    rows = []  # pieces whose baselines are within 2.5 pt are one line, read left to right
    for piece in sorted(pieces, key=lambda piece: -piece[0]):
        if rows and abs(rows[-1][0][0] - piece[0]) < 2.5:
            rows[-1].append(piece)
        else:
            rows.append([piece])
    for row in rows:
        row.sort(key=lambda piece: piece[1])
        text = " ".join("".join(piece[4] for piece in row).split())
        page.lines.append(Line(row[0][0], max(piece[2] for piece in row),
                               all(piece[3] for piece in row), text))
    lows = [y - 0.2 * line_size for y, _, line_size, _, _ in pieces if y > BOTTOM]
    lows += [min(y for _, y in corners) for corners in ink
             if max(y for _, y in corners) > BOTTOM and min(y for _, y in corners) < page.height - 1]
    lows = [max(low, BOTTOM) for low in lows]
    page.lowest = min(lows) if lows else None
    return page


def pages(path):
    """The :class:`Page` of every page of the PDF at ``path``, from page 1."""
    reader = PdfReader(path)
    return [_page(number, pdf_page) for number, pdf_page in enumerate(reader.pages, start=1)]


def page_count(path):
    """The number of pages of the PDF at ``path`` (a path or a binary stream)."""
    return len(PdfReader(path).pages)


def destinations(path):
    """{name: page number} of the PDF's named destinations (the targets of its links)."""
    reader = PdfReader(path)
    return {str(name).lstrip("/"): reader.get_destination_page_number(dest) + 1
            for name, dest in reader.named_destinations.items()}


def fill_summary(all_pages, below=0.55):
    """A line on how full the pages are: quartiles and the pages less than ``below`` full."""
    fills = sorted(page.fill for page in all_pages)
    count = len(fills)
    quartiles = [fills[min(count - 1, int(q * count))] for q in (0.25, 0.5, 0.75)]
    sparse = [page.number for page in all_pages if page.fill < below]
    return (f"{count} pages; fill quartiles {', '.join(f'{q:.0%}' for q in quartiles)}; "
            f"{len(sparse)} less than {below:.0%} full: {sparse}")
