"""The pure vocabulary beneath connectors and metrics: canonical schemas, period codes,
areas and the municipality reference list, the dataset catalogue, the metric registry and
the plan models. No I/O; imports nothing of jobmaal's but itself."""
