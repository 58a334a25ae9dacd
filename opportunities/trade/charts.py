"""Server-rendered SVG charts: geometry computed here, drawn by templates/includes/bar_chart.html.

No JavaScript and no external asset; every chart comes with the same numbers in a table. The
SVG has no viewBox: its text is drawn at its CSS size (13 px) whatever the screen's width, and
the bars are percentages of the chart's width, so a phone shows the same readable chart as a
desktop (a 640-unit viewBox shrunk to a 343-pixel phone drew 6-pixel labels).
"""

from dataclasses import dataclass

from tradeportal.formatting import usd

# Each bar: its label on one line, the bar and its value on the next (pixels).
ROW, LABEL_BASELINE, BAR_TOP, BAR_HEIGHT = 44, 14, 20, 16
BAR_SPAN_PCT = 62  # the longest bar; the rest of the width holds its value


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    y: int
    width_pct: float
    text: str
    highlight: bool = False

    @property
    def label_y(self) -> int:
        return self.y + LABEL_BASELINE

    @property
    def bar_y(self) -> int:
        return self.y + BAR_TOP

    @property
    def value_y(self) -> int:
        return self.y + BAR_TOP + BAR_HEIGHT - 3


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]

    @property
    def height(self) -> int:
        return len(self.bars) * ROW + 4

    @property
    def bar_height(self) -> int:
        return BAR_HEIGHT


def bar_chart(title: str, rows: list[tuple[str, float]], highlight: str | None = None) -> BarChart:
    """Horizontal bars for (label, value) rows, scaled to the largest value."""
    top = max((value for _label, value in rows), default=0) or 1
    bars = [
        Bar(
            label=label,
            value=value,
            y=index * ROW,
            width_pct=max(0.5, BAR_SPAN_PCT * value / top),
            text=usd(value),
            highlight=label == highlight,
        )
        for index, (label, value) in enumerate(rows)
    ]
    return BarChart(title=title, bars=bars)
