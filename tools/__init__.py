"""Maintainers' tools outside the deployed site: the benchmark, the deployed build the browser tests drive, screenshots."""
