"""Repository tooling, importable as ``scripts.*`` from the repository root (never shipped)."""
