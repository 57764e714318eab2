"""Overblik: the committee's one page. One card per target of the chosen plan.

The data comes from ``pagedata.plan_page`` (build); this script only lays it out.
"""

from __future__ import annotations

import html

import streamlit as st

from dashboard import components, export, loaders, local_help, pagedata, pickers, report, state
from dashboard.target_charts import target_chart
from metrics.danish import period_label

PAGE = "overblik"
REPORT_STATE = "overblik:report"

key = loaders.store_key()
demo = loaders.is_demo(key)
components.demo_banner(demo)

ref = pickers.pick_plan(PAGE)
if ref is None:
    st.title("Overblik")
    st.info(
        "Der er ingen beskæftigelsesplan for den valgte kommune og det valgte år. "
        "Læg en planfil i mappen targets/ – eller se kommunens nøgletal under **Kommuner**."
    )
    st.page_link("views/kommuner.py", label="Gå til Kommuner", icon=":material/map:")
    st.stop()

as_of = pickers.pick_as_of(PAGE, ref.year)
page = pagedata.plan_page(key, ref, as_of)
plan = page.plan
st.title(f"{ref.municipality_name}: {plan.title}")
status_month = f"pr. {period_label(as_of)}" if as_of else "med de seneste indlæste tal"
st.caption(
    f"Beskæftigelsesplan {plan.year}. Status for hvert mål {status_month}. Udskriv siden "
    "med browserens udskrivningsfunktion."
)

parts = [f"{components.status_dot(s)} {n} {s}" for s, n in page.summary]  # targets, not persons
st.markdown(" &nbsp;·&nbsp; ".join(parts), unsafe_allow_html=True)


@st.fragment
def report_button() -> None:
    """The committee report for the plan and status month shown: built on request (it
    draws every chart), then offered as a download; the same file as ``jobmaal report``."""
    wanted = (key, page.ref.path, page.ref.mtime, as_of)
    built = st.session_state.get(REPORT_STATE)
    c1, c2 = st.columns([1, 3])
    if c1.button("Lav rapport til udvalget (PDF)", icon=":material/picture_as_pdf:"):
        with st.spinner("Rapporten bygges ..."):
            pdf = report.build_report(plan, loaders.inputs(key), as_of=as_of, format="pdf")
        built = (wanted, pdf)
        st.session_state[REPORT_STATE] = built
    if built is not None and built[0] == wanted:
        c2.download_button(
            f"Hent rapporten ({report.page_count(built[1])} sider)",
            data=built[1],
            file_name=report.file_name(plan, as_of, "pdf"),
            mime=report.MIME["pdf"],
            icon=":material/download:",
        )


report_button()


def card(view: pagedata.TargetView) -> None:
    """One target: status, the figures as shown, the explanation, its chart, a link."""
    f, ref = view.figures, page.ref
    st.markdown(f"#### {view.result.label}")
    st.markdown(components.status_badge(view.status), unsafe_allow_html=True)
    m1, m2 = st.columns(2)
    m3, m4 = st.columns(2)
    m1.metric("Værdi", f.text("value"))
    m2.metric("Mål", f.text("target"))
    m3.metric(f.gap_label, f.gap_text)
    m4.metric("Fremskrivning", f.text("projection"))
    if view.result.explanation:
        text = html.escape(view.result.explanation)
        st.markdown(f'<p class="jm-explain">{text}</p>', unsafe_allow_html=True)
    local_help.missing_notice(view.metric.sources, page.loaded, key=f"{PAGE}:{view.target.id}")
    if view.series.height:
        fig = target_chart(
            view.series, view.metric, view.line, title=view.result.label, compact=True
        )
        components.chart(
            fig,
            data=view.series,
            footnote=view.footnote,
            name=export.file_stem(ref.municipality_name, str(plan.year), view.target.id),
            key=f"{PAGE}:{view.target.id}",
            compact=True,
            spec=f.spec,
            metric=view.metric,
            title=f"{view.result.label}, {ref.municipality_name}",
        )
    else:
        st.caption("Ingen tal for målet i de indlæste data.")
    params = {state.KOMMUNE: ref.municipality_code, state.AAR: str(plan.year)}
    params[state.MAAL] = view.target.id
    if as_of:
        params[state.PR] = as_of
    st.page_link(
        "views/maal.py",
        label="Se målet i detaljer",
        icon=":material/arrow_forward:",
        query_params=params,
    )


# Cards row by row (two per row), so that a printout, where the columns stack, keeps the
# plan's order: column by column it would print all left cards before the right ones.
views = list(page.targets)
for start in range(0, len(views), 2):
    for col, view in zip(st.columns(2, gap="medium"), views[start : start + 2], strict=False):
        with col.container(border=True, key=f"jm-card-{export.file_stem(view.target.id)}"):
            card(view)
