"""Two small charts drawn with QPainter, shared by the Returns tab and the printout.

QtCharts is not part of PySide6-Essentials, and these two pictures need nothing more than bars:
hours by team (horizontal bars, longest first) and compliance (one bar split red/amber/green with a
legend). Each function paints into ``rect`` of any QPainter (a widget, a QImage, a printer).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen

from desktop.core.formats import hours_text

RAG_COLOURS = {
    "green": QColor("#2e7d32"),
    "amber": QColor("#f2a900"),
    "red": QColor("#c62828"),
    "grey": QColor("#9e9e9e"),
}
BAR_COLOUR = QColor("#1f5f99")
TEXT_COLOUR = QColor("#222222")
MUTED_COLOUR = QColor("#666666")


def team_bars(by_team: dict[str, float], limit: int = 12) -> list[tuple[str, float]]:
    """Teams longest first; past ``limit`` the rest are summed as "Other teams (n)"."""
    items = sorted(by_team.items(), key=lambda kv: (-kv[1], kv[0]))
    if len(items) > limit:
        rest = items[limit - 1 :]
        items = items[: limit - 1] + [(f"Other teams ({len(rest)})", sum(v for _, v in rest))]
    return items


def paint_bars(
    painter: QPainter,
    rect: QRectF,
    items: Sequence[tuple[str, float]],
    *,
    font: QFont | None = None,
    empty_text: str = "No hours recorded in this month.",
) -> None:
    """Horizontal bars: label on the left, bar, value at its end."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if font is not None:
        painter.setFont(font)
    fm = QFontMetricsF(painter.font(), painter.device())
    if not items or max(v for _, v in items) <= 0:
        painter.setPen(MUTED_COLOUR)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, empty_text)
        painter.restore()
        return
    top = max(v for _, v in items)
    row_h = min(rect.height() / len(items), fm.height() * 2.0)
    label_w = min(
        rect.width() * 0.38, max(fm.horizontalAdvance(label) for label, _ in items) + fm.height() * 0.6
    )
    value_w = max(fm.horizontalAdvance(hours_text(v)) for _, v in items) + fm.height() * 0.6
    bar_left = rect.left() + label_w
    bar_w = max(rect.width() - label_w - value_w, 10.0)
    for i, (label, value) in enumerate(items):
        y = rect.top() + i * row_h
        painter.setPen(TEXT_COLOUR)
        text = fm.elidedText(label, Qt.TextElideMode.ElideRight, label_w - fm.height() * 0.5)
        painter.drawText(
            QRectF(rect.left(), y, label_w - fm.height() * 0.4, row_h),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
            text,
        )
        w = bar_w * (value / top) if top else 0.0
        bar = QRectF(bar_left, y + row_h * 0.18, max(w, 1.0 if value > 0 else 0.0), row_h * 0.64)
        painter.fillRect(bar, BAR_COLOUR)
        painter.setPen(TEXT_COLOUR)
        painter.drawText(
            QRectF(bar.right() + fm.height() * 0.3, y, value_w, row_h),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            hours_text(value),
        )
    painter.restore()


def compliance_parts(compliance: dict[str, int]) -> list[tuple[str, str, int]]:
    """(rag, label, count) for met, below, zero."""
    return [
        ("green", "Met the minimum", int(compliance.get("met", 0))),
        ("amber", "Below the minimum", int(compliance.get("below", 0))),
        ("red", "No hours", int(compliance.get("zero", 0))),
    ]


def paint_compliance(
    painter: QPainter,
    rect: QRectF,
    compliance: dict[str, int],
    *,
    font: QFont | None = None,
) -> None:
    """One bar split green/amber/red in proportion, counts inside, and a legend with percentages."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if font is not None:
        painter.setFont(font)
    fm = QFontMetricsF(painter.font(), painter.device())
    parts = compliance_parts(compliance)
    total = sum(n for _, _, n in parts)
    if total <= 0:
        painter.setPen(MUTED_COLOUR)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "Nobody the minimum hours apply to.")
        painter.restore()
        return
    line = fm.height() * 1.5
    bar_h = min(max(rect.height() - line * 3.4, fm.height() * 1.6), fm.height() * 2.6)
    bar = QRectF(rect.left(), rect.top(), rect.width(), bar_h)
    x = bar.left()
    for rag, _label, n in parts:
        if n <= 0:
            continue
        w = bar.width() * n / total
        seg = QRectF(x, bar.top(), w, bar.height())
        painter.fillRect(seg, RAG_COLOURS[rag])
        text = f"{n:,}"
        if fm.horizontalAdvance(text) + 6 < w:
            painter.setPen(QColor("#000000") if rag == "amber" else QColor("#ffffff"))
            painter.drawText(seg, Qt.AlignmentFlag.AlignCenter, text)
        x += w
    painter.setPen(QPen(QColor("#ffffff"), 1))
    y = bar.bottom() + fm.height() * 0.6
    swatch = fm.height() * 0.8
    for rag, label, n in parts:
        painter.fillRect(QRectF(rect.left(), y + (line - swatch) / 2, swatch, swatch), RAG_COLOURS[rag])
        painter.setPen(TEXT_COLOUR)
        pct = round(100 * n / total)
        painter.drawText(
            QRectF(rect.left() + swatch * 1.6, y, rect.width() - swatch * 1.6, line),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            f"{label}: {n:,} ({pct}%)",
        )
        y += line
    painter.restore()


def render_image(kind: str, data: object, width: float, height: float, point_size: float = 8.5) -> QImage:
    """A chart as a 300 dpi image (white background) shown ``width`` x ``height`` CSS pixels (1/96 inch)
    in the printout; ``kind`` is "bars" or "compliance"."""
    scale = 300 / 96
    image = QImage(round(width * scale), round(height * scale), QImage.Format.Format_ARGB32)
    image.fill(QColor("#ffffff"))
    image.setDotsPerMeterX(round(300 / 0.0254))
    image.setDotsPerMeterY(round(300 / 0.0254))
    painter = QPainter(image)
    font = QFont("DejaVu Sans")
    font.setPointSizeF(point_size)
    rect = QRectF(0, 0, image.width(), image.height())
    if kind == "bars":
        paint_bars(painter, rect, data, font=font)  # type: ignore[arg-type]
    else:
        paint_compliance(painter, rect, data, font=font)  # type: ignore[arg-type]
    painter.end()
    return image
