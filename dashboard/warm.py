"""Fill the persistent page cache (``dashboard.page_cache``) after an import, so that the
first view of a plan is read from disk instead of computed.

``warm(key)`` runs the same builds the pages run: the Data page's status and
reconciliations of person-level KPIs with the published figures, and for every plan in
``targets/`` Overblik (``pagedata.plan_page``: every target judged, its view and chart
data) and per target Mål's default breakdown, comparison and ranking
(``loaders.kpi_series``, ``sections.comparison_data``, ``ranking_data``). Run by
``jobmaal warm`` (and by ``make run``); a nightly fetch or import should be followed by it.
What is kept is only what the pages show, after the <5 rule (``page_cache.safe_to_keep``).
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard import loaders, pagedata, pagedata_data, sections
from dashboard.target_charts import breakdown_window


@dataclass(frozen=True)
class Warmed:
    """What was built: the plans (``"710-2022"``) and how many targets in all."""

    plans: tuple[str, ...]
    targets: int


def warm(key: loaders.StoreKey) -> Warmed:
    """Build every plan's pages once for the store version ``key`` (see the module)."""
    status = loaders.status(key)  # the Data page's status and reconciliations
    pagedata_data.reconciliations(key, set(status["dataset_id"].to_list()))
    done: list[str] = []
    n_targets = 0
    for ref in loaders.plan_index():
        page = pagedata.plan_page(key, ref)
        muni, year = ref.municipality_code, ref.year
        for view in page.targets:
            m, t = view.metric, view.target
            if m.breakdowns:  # Mål's default breakdown (views/maal.py)
                first, last = breakdown_window(m, year)
                loaders.kpi_series(key, m.id, (muni,), m.breakdowns[0], first, last)
            sections.comparison_data(
                key,
                m,
                muni=muni,
                year=year,
                breakdown=t.breakdown if t.group else None,
                group=t.group,
            )
            sections.ranking_data(key, m, year=year, per_labour_force=False)
            sections.ranking_data(key, m, year=year)
        # Kommuner opened on the plan's municipality and year
        sections.kpi_overview(
            key, sections.overview_metrics(), muni=muni, name=ref.municipality_name, year=year
        )
        loaders.benchmark_table(key, muni)
        done.append(f"{ref.municipality_code}-{ref.year}")
        n_targets += len(page.targets)
    return Warmed(tuple(done), n_targets)
