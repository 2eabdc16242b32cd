"""Line charts as standalone SVG files, with nothing but the standard library (bench/growth.py's
charts in BENCHMARKS.md).

One function, `line_chart`: series of (x, y) points drawn as lines with a dot per point, the x
axis in powers of ten (log scale) or linear, the y axis linear from 0, both labelled, a title on
top and a legend under the plot (one entry a line, so long names fit). Lines differ by colour and
dash, so one drawn over another still shows.

    svg.line_chart("bench/charts/example.svg", "Requests/s vs live alerts",
                   [("alertgate", [(1000, 3400), (10000, 3300), (100000, 3100)])],
                   x_label="firing alerts live", y_label="requests/s")
"""
import math, os
from xml.sax.saxutils import escape

WIDTH, PLOT_HEIGHT = 760, 340
LEFT, RIGHT, TOP, BOTTOM = 84, 28, 48, 56  # margins around the plot area
LEGEND_LINE = 18
FONT = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"'
DASHES = ["", ' stroke-dasharray="8 4"', ' stroke-dasharray="3 3"']  # so that lines drawn over each other both show
PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]


def si(value):
    """A compact number for a tick: 1k, 10k, 1M, 2.5M; plain below 1,000."""
    for divisor, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= divisor:
            return f"{value / divisor:g}{suffix}"
    return f"{value:g}"


def nice_ticks(top, count=5):
    """Round tick values from 0 to at least `top`: about `count` steps of 1, 2 or 5 × 10^k."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    ticks = [0.0]
    while ticks[-1] < top - 1e-9 * top:
        ticks.append(round(ticks[-1] + step, 12))
    return ticks


def _tick_text(value, step):
    if abs(value) >= 10_000:
        return si(value)
    digits = 0 if step >= 1 else min(6, -math.floor(math.log10(step)))
    return f"{value:,.{digits}f}"


def _x_scale(xs, log_x):
    """(function from x to a 0..1 fraction of the plot's width, the x ticks)."""
    low, high = min(xs), max(xs)
    if log_x:
        if low <= 0:
            raise ValueError("a log-scale x axis needs positive x values")
        first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
        if first == last:
            first, last = first - 1, last + 1
        return (lambda x: (math.log10(x) - first) / (last - first)), [10.0 ** k for k in range(first, last + 1)]
    ticks = nice_ticks(high)
    return (lambda x: x / ticks[-1]), ticks


def line_chart(path, title, series, x_label, y_label, log_x=True):
    """Writes a standalone SVG line chart to `path` (creating its folder) and returns `path`.
    `series`: [(name, [(x, y), ...]), ...]; points whose y is None are left out (a line breaks
    nowhere: it joins the points it has)."""
    series = [(name, sorted((x, y) for x, y in points if y is not None)) for name, points in series]
    points = [p for _, pts in series for p in pts]
    if not points:
        raise ValueError(f"{title}: no points to draw")
    x_of, x_ticks = _x_scale([x for x, _ in points], log_x)
    y_ticks = nice_ticks(max(y for _, y in points) * 1.05)  # headroom: the highest point clear of the frame
    y_top, y_step = y_ticks[-1], y_ticks[1] - y_ticks[0]
    plot_w = WIDTH - LEFT - RIGHT
    height = TOP + PLOT_HEIGHT + BOTTOM + LEGEND_LINE * len(series) + 12
    px = lambda x: LEFT + x_of(x) * plot_w
    py = lambda y: TOP + PLOT_HEIGHT - (y / y_top) * PLOT_HEIGHT

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
           f'{FONT} font-size="12">',
           f"<title>{escape(title)}</title>",
           f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
           f'<text x="{WIDTH / 2:.1f}" y="26" text-anchor="middle" font-size="15" font-weight="bold">{escape(title)}</text>']
    for value in y_ticks:  # horizontal grid lines and y labels
        y = py(value)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="#e4e4e4"/>')
        out.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{escape(_tick_text(value, y_step))}</text>')
    for value in x_ticks:  # vertical grid lines and x labels
        x = px(value)
        out.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + PLOT_HEIGHT}" stroke="#e4e4e4"/>')
        out.append(f'<text x="{x:.1f}" y="{TOP + PLOT_HEIGHT + 18}" text-anchor="middle">{escape(si(value))}</text>')
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{PLOT_HEIGHT}" fill="none" stroke="#444444"/>')
    out.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{TOP + PLOT_HEIGHT + 40}" text-anchor="middle">'
               f'{escape(x_label + (" (log scale)" if log_x else ""))}</text>')
    middle = TOP + PLOT_HEIGHT / 2
    out.append(f'<text x="18" y="{middle:.1f}" text-anchor="middle" transform="rotate(-90 18 {middle:.1f})">'
               f"{escape(y_label)}</text>")

    legend_top = TOP + PLOT_HEIGHT + BOTTOM + 4
    for index, (name, pts) in enumerate(series):
        color, dash = PALETTE[index % len(PALETTE)], DASHES[index % len(DASHES)]
        coords = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
        out.append(f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')
        out += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3.5" fill="{color}"><title>{escape(name)}: '
                f"{escape(si(x))} → {y:,.2f}</title></circle>" for x, y in pts]
        y = legend_top + index * LEGEND_LINE
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + 24}" y2="{y:.1f}" stroke="{color}" stroke-width="2"{dash}/>')
        out.append(f'<circle cx="{LEFT + 12}" cy="{y:.1f}" r="3.5" fill="{color}"/>')
        out.append(f'<text x="{LEFT + 32}" y="{y + 4:.1f}">{escape(name)}</text>')
    out.append("</svg>")

    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    return path
