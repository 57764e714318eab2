"""jobindsats.dk: the v3 API client, the declared label mappings and the fetch config."""
