"""The report as one self-contained HTML file: inline CSS and inline SVG charts, no
script, no font, image or style sheet from anywhere else. Every text is HTML-escaped; the
charts are kaleido's SVG (Plotly escapes its own labels)."""

from __future__ import annotations

from html import escape

from dashboard.report.content import Report, TargetPage

CSS = """
:root { --ink: #1f2933; --muted: #5e6472; --rule: #c9d1d9; --soft: #f1f4f7;
  --demo: #b3261e; --main: #1f4e79; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Source Sans Pro", Arial, sans-serif; color: var(--ink);
  margin: 0; background: #e9edf1; font-size: 15px; line-height: 1.45; }
section.page { background: white; max-width: 210mm; margin: 12px auto; padding: 14mm 16mm; }
.head { display: flex; justify-content: space-between; font-size: 12px; color: var(--muted);
  border-bottom: 1px solid var(--rule); padding-bottom: 4px; margin-bottom: 14px; }
.demo { color: var(--demo); font-weight: bold; }
.demo-box { border: 1.5px solid var(--demo); color: var(--demo); padding: 10px;
  border-radius: 4px; }
.kicker { color: var(--muted); font-size: 13px; margin: 0; }
h1 { font-size: 24px; margin: 4px 0 8px; }
.cover h1 { color: var(--main); font-size: 32px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
.dot { display: inline-block; width: 0.75em; height: 0.75em; border-radius: 50%;
  vertical-align: baseline; margin-right: 0.3em; }
.status { font-weight: bold; white-space: nowrap; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th { text-align: left; border-bottom: 1.5px solid var(--ink); padding: 5px 4px; }
td { border-bottom: 1px solid var(--rule); padding: 5px 4px; vertical-align: middle; }
td.num, th.num { text-align: right; white-space: nowrap; }
.fields { display: grid; grid-template-columns: 1fr 1fr 1.25fr 1fr 1fr; gap: 6px; margin: 10px 0; }
.field { background: var(--soft); border-radius: 4px; padding: 6px 8px; }
.field span { display: block; color: var(--muted); font-size: 11px; }
.field b { font-size: 18px; } .field small { display: block; color: var(--muted); }
.explain { border-left: 3px solid var(--main); padding: 2px 10px; font-size: 16px; }
figure.chart { margin: 8px 0; }
.chart svg { width: 100%; height: auto; display: block; }
.note { color: var(--muted); font-size: 12px; }
dl.about { display: grid; grid-template-columns: max-content 1fr; gap: 6px 12px; }
dl.about dt { font-weight: bold; } dl.about dd { margin: 0; }
@media print {
  body { background: white; }
  section.page { margin: 0; padding: 0; max-width: none; break-after: page; }
  @page { size: A4; margin: 16mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _dot(colour: str) -> str:
    return f'<span class="dot" style="background:{_e(colour)}"></span>'


def _status(t: TargetPage) -> str:
    return f'<span class="status">{_dot(t.colour)}{_e(t.status)}</span>'


def _head(r: Report) -> str:
    demo = f'<span class="demo">{_e(r.demo_label)}</span>' if r.demo else ""
    place = f"{r.municipality_name} ({r.municipality_code})"
    return f'<div class="head"><span>{_e(r.title)} · {_e(place)}</span>{demo}</div>'


def _cover(r: Report) -> str:
    facts = [
        ("Plan", r.title),
        ("Planår", str(r.year)),
        ("Kommune", f"{r.municipality_name} ({r.municipality_code})"),
        ("Status pr.", r.status_month),
        ("Data til og med", r.data_until),
        ("Data hentet", r.retrieved),
    ]
    if r.plan_source:
        facts.append(("Planens kilde", r.plan_source))
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
    summary = " &nbsp; ".join(f"{_dot(s.colour)}{s.count} {_e(s.status)}" for s in r.summary)
    demo = (
        f'<p class="demo-box"><b>{_e(r.demo_label)}.</b> Tallene er dannet af jobmaals '
        "demodata-generator og må ikke bruges som beslutningsgrundlag.</p>"
        if r.demo
        else ""
    )
    return (
        f'<section class="page cover">{_head(r)}'
        '<p class="kicker">Rapport til arbejdsmarkedsudvalget</p>'
        f"<h1>{_e(r.title)}</h1><p>{_e(r.municipality_name)} · kommunekode "
        f"{_e(r.municipality_code)}</p>"
        f'<dl class="facts">{rows}</dl><h2>Målene i overblik</h2><p>{summary}</p>{demo}'
        '<p class="note">Status: <b>nået</b> / <b>ikke nået</b> når hele året er kendt; før '
        "da <b>på rette vej</b> eller <b>i risiko</b> efter fremskrivningen til årets udgang. "
        "Tal om færre end 5 personer vises ikke.</p></section>"
    )


def _overview(r: Report) -> str:
    head = (
        '<tr><th>Nr.</th><th>Mål</th><th>Status</th><th class="num">Værdi</th>'
        '<th class="num">Mål</th><th class="num">Afstand</th><th class="num">Fremskrevet</th></tr>'
    )
    rows = "".join(
        f'<tr><td>{_e(t.id)}</td><td><a href="#maal-{_e(t.id)}">{_e(t.label)}</a></td>'
        f'<td>{_status(t)}</td><td class="num">{_e(t.value)}</td>'
        f'<td class="num">{_e(t.target)}</td><td class="num">{_e(t.gap)}</td>'
        f'<td class="num">{_e(t.projection)}</td></tr>'
        for t in r.targets
    )
    return (
        f'<section class="page">{_head(r)}<h1>Alle mål</h1>'
        f"<table><thead>{head}</thead><tbody>{rows}</tbody></table>"
        '<p class="note">Værdi: årets tal indtil nu (for en andel ultimo året: seneste måned; '
        "for fleksjob: juni). Fremskrevet: forventet tal ved årets udgang.</p></section>"
    )


def _target(r: Report, t: TargetPage) -> str:
    goal = f" · {t.goal_title}" if t.goal_title else ""
    fields = "".join(
        f'<div class="field"><span>{_e(k)}</span><b>{_e(v)}</b>'
        + (f"<small>{_e(sub)}</small>" if sub else "")
        + "</div>"
        for k, v, sub in (
            ("Værdi", t.value, ""),
            ("Mål", t.target, ""),
            ("Afstand til mål", t.gap, ""),
            ("Fremskrivning", t.projection, ""),
            ("Udgangspunkt", t.baseline, t.baseline_period),
        )
    )
    explain = f'<p class="explain">{_e(t.explanation)}</p>' if t.explanation else ""
    chart = f'<figure class="chart">{t.svg}</figure>' if t.svg else ""
    note = f'<p class="note">{_e(t.chart_note)}</p>' if t.chart_note else ""
    about = [
        ("Målet i planen", _e(t.wording)),
        ("Definition", _e(f"{t.metric_label}. {t.definition}")),
        ("Kilde", _e(t.source)),
    ]
    if t.notes:
        about.append(("Noter", "<ul>" + "".join(f"<li>{_e(n)}</li>" for n in t.notes) + "</ul>"))
    about_html = "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in about)
    return (
        f'<section class="page" id="maal-{_e(t.id)}">{_head(r)}'
        f'<p class="kicker">Mål {_e(t.id)}{_e(goal)}</p><h1>{_e(t.label)}</h1>'
        f'<p>{_status(t)} <span class="note">({_e(t.period)})</span></p>'
        f'<div class="fields">{fields}</div>{explain}{chart}{note}'
        f'<dl class="about">{about_html}</dl></section>'
    )


def render_html(report: Report) -> bytes:
    """The HTML file's bytes (UTF-8)."""
    r = report
    body = _cover(r) + _overview(r) + "".join(_target(r, t) for t in r.targets)
    title = f"{r.title} – {r.municipality_name} ({r.municipality_code})"
    page = (
        '<!DOCTYPE html>\n<html lang="da">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n"
        "</body>\n</html>\n"
    )
    return page.encode("utf-8")
