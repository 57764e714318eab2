"""The ``jobmaal`` console command: the composition root that wires connectors and metrics."""
