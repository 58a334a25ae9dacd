"""Server-rendered SVG charts: geometry computed here, drawn by templates/includes/bar_chart.html.

No JavaScript and no external asset; every chart comes with the same numbers in a table.
"""

from dataclasses import dataclass

from tradeportal.formatting import usd

WIDTH, BAR_HEIGHT, GAP, LABEL_WIDTH = 640, 22, 8, 190


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    y: int
    width: float
    text: str
    highlight: bool = False


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    width: int = WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def height(self) -> int:
        return len(self.bars) * (BAR_HEIGHT + GAP) + GAP

    @property
    def bar_height(self) -> int:
        return BAR_HEIGHT


def bar_chart(title: str, rows: list[tuple[str, float]], highlight: str | None = None) -> BarChart:
    """Horizontal bars for (label, value) rows, scaled to the largest value."""
    top = max((value for _label, value in rows), default=0) or 1
    span = WIDTH - LABEL_WIDTH - 110
    bars = [
        Bar(
            label=label,
            value=value,
            y=GAP + index * (BAR_HEIGHT + GAP),
            width=max(1.0, span * value / top),
            text=usd(value),
            highlight=label == highlight,
        )
        for index, (label, value) in enumerate(rows)
    ]
    return BarChart(title=title, bars=bars)
