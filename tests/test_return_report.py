"""The printed return: a PDF whose text says the force, the month, page numbers and every officer."""

from __future__ import annotations

import copy
import re
import unicodedata

import pytest
from pypdf import PdfReader

from desktop.core import returns, settings
from desktop.reports import return_report
from tests.helpers_returns import MONTH, build_march_2025


@pytest.fixture
def march(db):
    build_march_2025(db)
    return returns.compute(db, MONTH), settings.get_all(db)


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
    pages = return_report.write_pdf(figures, force, out)
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
    return_report.write_pdf(big, force, out)
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
    doc = return_report.build_document(figures, force)
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
    html = return_report.build_html(figures, {"force_name": "A & B <Police>"})
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
    assert "Signed off by jsmith on 03/04/2025 10:12" in return_report.build_html(figures, force)
