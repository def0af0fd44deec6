"""The report as one self-contained HTML file that a phone can open: the summary, the chart (inline SVG) and
tables that sort when a heading is tapped. No file, font or script is fetched from anywhere; every text from
the log is escaped."""

from __future__ import annotations

from html import escape

from bot.report.chart import chart_svg
from bot.report.data import Report
from bot.report.tables import Table, cell_text, tables
from bot.report.text import summary

STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1100px;
padding:12px;color:#1d2430;background:#fff}
h1{font-size:1.35em;margin:.2em 0 .4em}h2{font-size:1.1em;margin:1.6em 0 .2em}
.note{color:#5b6472;margin:.2em 0 .6em;font-size:.92em}.summary li{margin:.15em 0}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{border-bottom:1px solid #e3e7ee;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f9;cursor:pointer;white-space:nowrap;user-select:none;position:sticky;top:0}
th[data-dir=asc]::after{content:" ▲"}th[data-dir=desc]::after{content:" ▼"}
td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td code{font-size:.9em;word-break:break-all}.chart{max-width:100%;height:auto}
"""

# Sort a table by the tapped heading: numbers by their value (data-v), text alphabetically; again: reversed.
SCRIPT = """
document.querySelectorAll("table.sortable th").forEach(function (th, column) {
  function sort() {
    var table = th.closest("table"), body = table.tBodies[0], rows = Array.from(body.rows);
    var dir = th.dataset.dir === "asc" ? "desc" : "asc";
    table.querySelectorAll("th").forEach(function (h) { delete h.dataset.dir; });
    th.dataset.dir = dir;
    function key(row) {
      var cell = row.cells[column];
      return cell.dataset.v !== undefined ? parseFloat(cell.dataset.v) : cell.textContent.toLowerCase();
    }
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      return (x < y ? -1 : x > y ? 1 : 0) * (dir === "asc" ? 1 : -1);
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  th.addEventListener("click", sort);
  th.addEventListener("keydown", function (e) {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
  });
});
"""


def _table_html(table: Table) -> str:
    heads = "".join(f'<th tabindex="0" scope="col">{escape(name)}</th>' for name, _ in table.columns)
    rows = []
    for row in table.rows:
        cells = []
        for value, (name, kind) in zip(row, table.columns, strict=True):
            text = escape(cell_text(value, kind))
            if kind != "text":
                number = value if isinstance(value, int | float) else -1
                cells.append(f'<td class="n" data-v="{number}">{text}</td>')
            elif name.startswith("line for"):
                cells.append(f"<td><code>{text}</code></td>")
            else:
                cells.append(f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    body = "\n".join(rows) if rows else f'<tr><td colspan="{len(table.columns)}">none</td></tr>'
    return (
        f'<h2 id="{table.key}">{escape(table.title)} ({len(table.rows):,})</h2>\n'
        f'<p class="note">{escape(table.note)}</p>\n'
        f'<div class="scroll"><table class="sortable"><thead><tr>{heads}</tr></thead>\n<tbody>\n{body}\n'
        "</tbody></table></div>"
    )


def render_html(report: Report) -> str:
    title = f"drugbot question log, {report.first} to {report.last}"
    items = "".join(f"<li>{escape(line)}</li>" for line in summary(report))
    sections = "\n".join(_table_html(t) for t in tables(report)) if report.present else ""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<h1>{escape(title)}</h1>
<ul class="summary">{items}</ul>
<h2>Asked and answered per day</h2>
{chart_svg(report.days)}
{sections}
<p class="note">Texts are what users typed, kept from private chats and from messages addressed to the bot; no
names or ids. Tap a heading to sort by it.</p>
<script>{SCRIPT}</script>
</body>
</html>
"""
