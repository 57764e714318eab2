"""The ``jobmaal`` console command: the composition root that wires connectors and metrics."""

import logging


class _NoRuntimeNotice(logging.Filter):
    """The report and warm commands use the pages' cached builds outside a Streamlit
    server; Streamlit then warns on every cache ("No runtime found"): noise on a terminal.
    A filter, not a level: Streamlit resets its loggers' levels when it reads its config."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("No runtime found")


for _name in ("cache_data_api", "cache_resource_api"):
    logging.getLogger(f"streamlit.runtime.caching.{_name}").addFilter(_NoRuntimeNotice())
