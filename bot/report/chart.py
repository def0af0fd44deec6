"""The report's chart, drawn as inline SVG (no plotting library): per day, messages asked against answered with
a part, and the share of votes that were 👍."""

from __future__ import annotations

from html import escape

from bot.report.data import Day

HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 44, 44, 34, 44
STEP_MIN = 14  # horizontal room per day
ASKED, ANSWERED, SHARE = "#b8c4d6", "#2f6db5", "#d9822b"


def _nice(value: int) -> int:
    """A round axis maximum at or above `value` (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(value)) - 1)
    return next(int(m * magnitude) for m in (1, 2, 2.5, 5, 10) if value <= m * magnitude)


def chart_svg(days: list[Day]) -> str:
    """The chart, or a short note when there are no days to draw."""
    if not days:
        return '<p class="note">No messages in this period.</p>'
    step = max(STEP_MIN, 560 // len(days))
    width = LEFT + RIGHT + step * len(days)
    plot = HEIGHT - TOP - BOTTOM
    top_value = _nice(max(d.messages for d in days))

    def y(value: float) -> float:
        return TOP + plot * (1 - value / top_value)

    def y_share(share: float) -> float:
        return TOP + plot * (1 - share)

    bar = max(2.0, step * 0.38)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {HEIGHT}" width="100%" role="img" '
        'aria-label="Messages asked and answered with a part per day, and the share of votes up" '
        'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="11">',
        f'<line x1="{LEFT}" y1="{TOP + plot}" x2="{width - RIGHT}" y2="{TOP + plot}" stroke="#888"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{width - RIGHT}" y2="{TOP}" stroke="#eee"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end">{top_value:,}</text>',
        f'<text x="{LEFT - 4}" y="{TOP + plot + 4}" text-anchor="end">0</text>',
        f'<text x="{width - RIGHT + 4}" y="{TOP + 4}" fill="{SHARE}">100%</text>',
        f'<text x="{width - RIGHT + 4}" y="{TOP + plot + 4}" fill="{SHARE}">0%</text>',
        f'<rect x="{LEFT}" y="6" width="10" height="10" fill="{ASKED}"/><text x="{LEFT + 14}" y="15">asked</text>',
        f'<rect x="{LEFT + 64}" y="6" width="10" height="10" fill="{ANSWERED}"/>'
        f'<text x="{LEFT + 78}" y="15">answered with a part</text>',
        f'<line x1="{LEFT + 214}" y1="11" x2="{LEFT + 230}" y2="11" stroke="{SHARE}" stroke-width="2"/>'
        f'<text x="{LEFT + 234}" y="15">share of votes up</text>',
    ]
    label_every = max(1, -(-len(days) * 64 // (width - LEFT - RIGHT)))
    points = []
    for index, day in enumerate(days):
        x = LEFT + step * index + (step - 2 * bar) / 2
        share = day.share_up
        tip = f"{day.day}: {day.messages:,} asked, {day.confident:,} answered with a part"
        if share is not None:
            tip += f", {share:.0%} of {day.up + day.down} votes up"
        parts.append(f"<g><title>{escape(tip)}</title>")
        parts.append(
            f'<rect x="{x:.1f}" y="{y(day.messages):.1f}" width="{bar:.1f}" '
            f'height="{TOP + plot - y(day.messages):.1f}" fill="{ASKED}"/>'
        )
        parts.append(
            f'<rect x="{x + bar:.1f}" y="{y(day.confident):.1f}" width="{bar:.1f}" '
            f'height="{TOP + plot - y(day.confident):.1f}" fill="{ANSWERED}"/>'
        )
        parts.append("</g>")
        middle = LEFT + step * index + step / 2
        if share is not None:
            points.append(f"{middle:.1f},{y_share(share):.1f}")
        if index % label_every == 0 or index == len(days) - 1:
            parts.append(
                f'<text x="{middle:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{escape(day.day[5:])}</text>'
            )
    if points:
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{SHARE}" stroke-width="2"/>')
        parts += [f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="3" fill="{SHARE}"/>' for p in points]
    parts.append(f'<text x="{LEFT}" y="{HEIGHT - 6}">{escape(days[0].day[:4])} (UTC days)</text>')
    parts.append("</svg>")
    return "\n".join(parts)
