"""The printed return: a PDF whose text says the force, the month, page numbers and every officer."""

from __future__ import annotations

import copy
import json
import re
import unicodedata

import pytest
from pypdf import PdfReader

from desktop.core import returns, settings
from desktop.core.paths import resources_dir
from desktop.core.returns import ReturnFigures
from desktop.reports import return_report
from tests.helpers_returns import MONTH, build_march_2025


@pytest.fixture
def march(db):
    build_march_2025(db)
    return returns.compute(db, MONTH).to_json(), settings.get_all(db)


def page_texts(path):
    """Each page's text with whitespace runs as one space and ligatures (ﬁ) unfolded."""
    return [
        re.sub(r"\s+", " ", unicodedata.normalize("NFKC", page.extract_text() or ""))
        for page in PdfReader(str(path)).pages
    ]


def test_pdf_text(march, tmp_path, qapp):
    figures, force = march
    force["force_name"] = "Hertfordshire Constabulary"
    out = tmp_path / "return.pdf"
    pages = return_report.write_pdf(ReturnFigures.from_json(figures), force, out)
    texts = page_texts(out)
    assert len(texts) == pages >= 2
    for n, text in enumerate(texts, start=1):
        assert "Hertfordshire Constabulary" in text
        assert "March 2025" in text
        assert f"Page {n} of {pages}" in text
    everything = "\n".join(texts)
    for row in figures["officers"]:
        assert row["name"] in everything
    assert "Special Constabulary monthly return: March 2025" in texts[0]
    assert "Met" in everything and "Below" in everything and "Zero" in everything
    assert "Clark, Sam" in everything and "resigned" in everything  # leavers with reasons
    assert not (tmp_path / "return.pdf.part").exists()


def test_long_officer_table_repeats_its_header(march, tmp_path, qapp):
    figures, force = march
    big = copy.deepcopy(figures)
    template = big["officers"][0]
    big["officers"] = [
        dict(
            template,
            collar=f"X{i:04d}",
            name=f"Officer{i:04d}, Test",
            rag=("red", "amber", "green", "grey")[i % 4],
        )
        for i in range(220)
    ]
    out = tmp_path / "big.pdf"
    return_report.write_pdf(ReturnFigures.from_json(big), force, out)
    texts = page_texts(out)
    officer_pages = [t for t in texts if "Officer0" in t]
    assert len(officer_pages) >= 3
    for text in officer_pages:
        assert "Year to date" in text  # the header row on every page of the table
    everything = "\n".join(texts)
    assert all(f"Officer{i:04d}, Test" in everything for i in range(220))


def test_summary_tables_repeat_their_header_row(march, qapp):
    """Tables of the summary that may run across a page break repeat their header row there."""
    figures, force = march
    doc = return_report.build_document(ReturnFigures.from_json(figures), force)
    from PySide6.QtGui import QTextTable

    tables = {}
    stack = [doc.rootFrame()]
    while stack:
        frame = stack.pop()
        for child in frame.childFrames():
            stack.append(child)
            if isinstance(child, QTextTable):
                first = child.cellAt(0, 0).firstCursorPosition()
                first.movePosition(first.MoveOperation.EndOfBlock, first.MoveMode.KeepAnchor)
                tables[first.selectedText()] = child
    for title in ("Team", "Duty type", "Unit", "Collar"):
        assert tables[title].format().headerRowCount() == 1, title


def test_user_text_is_escaped(march):
    figures, force = march
    figures = copy.deepcopy(figures)
    figures["officers"][0]["name"] = "<b>O'Brien</b> & Sons"
    html = return_report.build_html(ReturnFigures.from_json(figures), {"force_name": "A & B <Police>"})
    assert "&lt;b&gt;O&#x27;Brien&lt;/b&gt; &amp; Sons" in html
    assert "A &amp; B &lt;Police&gt;" in html


def test_empty_month(db, tmp_path, qapp):
    figures = returns.compute(db, "2020-01")
    out = tmp_path / "empty.pdf"
    pages = return_report.write_pdf(figures, settings.get_all(db), out)
    text = "\n".join(page_texts(out))
    assert pages >= 1
    assert "Nobody was serving at the end of the month, and nobody recorded hours in it." in text


def test_signed_off_banner(march):
    figures, force = march
    figures = dict(figures, signed_off={"by": "jsmith", "at": "03/04/2025 10:12", "note": None})
    assert "Signed off by jsmith on 03/04/2025 10:12" in return_report.build_html(
        ReturnFigures.from_json(figures), force
    )


# -- page layout: header/footer bands, layout tables, officer table columns ---------------------

LONG_NAME = "Adeyemi, Thomas Alexander"
LONGER_NAME = "Montgomery-Featherstonehaugh, Alexandra Josephine"


def many_teams(figures, n=70):
    """The march figures with ``n`` teams, so the By team table runs across a page break."""
    big = copy.deepcopy(figures)
    big["teams"] = [
        {
            "team": f"Team {i:02d}",
            "headcount": 3,
            "hours": 10.0,
            "applies": 2,
            "met": 1,
            "below": 1,
            "zero": 0,
        }
        for i in range(n)
    ]
    big["hours"]["by_team"] = {t["team"]: 10.0 for t in big["teams"]}
    return big


def page_images(figures, force, dpi=100):
    """Every page of the printout painted on an image of the A4 body (inside the page margins)."""
    from PySide6.QtGui import QColor, QImage, QPainter

    per_mm = dpi / 25.4
    images = []
    printout = None
    for page in range(10_000):
        image = QImage(round(182 * per_mm), round(273 * per_mm), QImage.Format.Format_RGB32)
        image.setDotsPerMeterX(round(dpi / 0.0254))
        image.setDotsPerMeterY(round(dpi / 0.0254))
        image.fill(QColor("white"))
        if printout is None:
            doc = return_report.build_document(ReturnFigures.from_json(figures), force)
            printout = return_report.Printout(doc, image, ReturnFigures.from_json(figures), force)
        painter = QPainter(image)
        printout.paint_page(painter, page)
        painter.end()
        images.append(image)
        if page + 1 == printout.pages:
            return printout, images
    raise AssertionError("no end of pages")


def inked_rows(image, first, last):
    """Image rows in [first, last] that hold anything but white."""
    white = 0xFFFFFFFF
    return [
        y for y in range(first, last + 1) if any(image.pixel(x, y) != white for x in range(image.width()))
    ]


def test_nothing_is_painted_between_the_page_body_and_the_header_or_footer(march, qapp):
    """Qt draws the frame of a table that crosses a page break on into the next page; the body is
    clipped, so no line runs through the running header or footer (and no table past the footer)."""
    figures, force = march
    figures = many_teams(figures)
    printout, images = page_images(figures, force)
    assert printout.doc_pages >= 2 and printout.pages > printout.doc_pages
    mm = images[0].logicalDpiY() / 25.4
    line = printout.small_fm.height() * 1.3
    head_band = (int(line + 2.5 * mm), int(printout.body.top()) - 1)  # under the header rule
    foot_band = (int(printout.body.bottom()) + 1, int(printout.height - line) - 1)  # above the footer text
    assert head_band[1] - head_band[0] >= 3 and foot_band[1] - foot_band[0] >= 3
    for n, image in enumerate(images, start=1):
        assert inked_rows(image, *head_band) == [], f"page {n}: something drawn under the header"
        assert inked_rows(image, *foot_band) == [], f"page {n}: something drawn over the footer"
        assert inked_rows(image, int(printout.body.top()) + 2, int(printout.body.top()) + 40), (
            f"page {n} empty"
        )


def test_layout_tables_have_no_frame(march, qapp):
    """The tables that only place two blocks side by side draw no border of their own (report.css
    gives every table one unless it is class "layout")."""
    from PySide6.QtGui import QTextTable

    figures, force = march
    doc = return_report.build_document(ReturnFigures.from_json(figures), force)
    outer = []
    for frame in doc.rootFrame().childFrames():
        if isinstance(frame, QTextTable) and any(isinstance(c, QTextTable) for c in frame.childFrames()):
            outer.append(frame)
    assert len(outer) >= 2  # minimum hours + chart, by rank + by status, ...
    assert all(t.format().border() == 0 for t in outer)


def officer_rows(figures, rows):
    big = copy.deepcopy(figures)
    template = big["officers"][0]
    big["officers"] = [dict(template, collar=f"SC{i:04d}", **row) for i, row in enumerate(rows)]
    return big


def test_rank_codes_and_long_names_print_in_full(march, tmp_path, qapp):
    figures, force = march
    codes = [r["code"] for r in json.loads((resources_dir() / "ranks.json").read_text(encoding="utf-8"))]
    rows = [
        {"name": LONG_NAME if i % 2 else f"Officer{i:03d}, Test", "rank": codes[i % len(codes)]}
        for i in range(30)
    ]
    rows.append({"name": LONGER_NAME, "rank": "SChInsp", "team": "Events and Operations", "status": "LOA"})
    out = tmp_path / "ranks.pdf"
    return_report.write_pdf(ReturnFigures.from_json(officer_rows(figures, rows)), force, out)
    everything = " ".join(page_texts(out))
    assert "…" not in everything
    for code in codes:
        assert f" {code} " in everything, code
    assert LONG_NAME in everything
    # a name too long for its column wraps onto more lines rather than being cut short
    assert "Montgomery-" in everything and "Featherstonehaugh," in everything and "Josephine" in everything


def test_officer_table_columns_fit_their_values(march, qapp):
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage

    figures, force = march
    rows = [{"name": LONG_NAME, "rank": "SChInsp", "team": "Events and Operations", "status": "LOA"}]
    rows += [{"name": LONGER_NAME, "rank": "SC"}, {"name": " ".join(["Verylongname"] * 30), "rank": "SC"}]
    rows += [{"name": f"Officer{i:03d}, Test", "rank": "SC"} for i in range(300)]
    big = officer_rows(figures, rows)
    image = QImage(1000, 1500, QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(120 / 0.0254))
    image.setDotsPerMeterY(round(120 / 0.0254))
    body = QRectF(0, 40, 860, 1300)  # A4 portrait proportions at 120 dpi
    table = return_report._OfficerPages(ReturnFigures.from_json(big), image, body)
    assert abs(sum(table.widths) - body.width()) < 0.5
    # the full rank code, name, team and status on one line each
    first = table.lines[0]
    assert first[2] == ["SChInsp"] and first[1] == [LONG_NAME]
    assert first[3] == ["Events and Operations"] and first[4] == ["Leave of absence"]
    # a long name wraps between words (or after a hyphen), nothing left out
    long = table.lines[1][1]
    assert len(long) >= 2 and " ".join(long).replace("- ", "-") == LONGER_NAME
    # an absurd one stops at MAX_LINES lines, the last ending in "…"
    absurd = table.lines[2][1]
    assert len(absurd) == return_report.MAX_LINES and absurd[-1].endswith("…")
    assert table.heights[2] == pytest.approx(table.row_h + (return_report.MAX_LINES - 1) * table.line_h)
    assert table.heights[1] > table.heights[0]
    # every page's rows fit between the header row and the bottom of the page body
    assert table.page_count() >= 2
    for page, (start, end) in enumerate(table.slices):
        top = table.title_h if page == 0 else 0
        assert top + table.row_h + sum(table.heights[start:end]) <= body.height() + 0.01
    assert [i for s, e in table.slices for i in range(s, e)] == list(range(len(rows)))
