"""Judging a plan's targets in small typed steps; ``metrics.evaluate`` composes them.

- ``result``: the keys (``Status``, ``Method``) and the typed ``TargetResult``;
- ``steps``: the target's series, baseline, year value, history seen, completeness, status;
- ``projection``: the year-end projection, one function per method;
- ``checks``: the plan's own figures against their counts and the data;
- ``explain``: the Danish labels, the explanation sentence and the notes.
"""
