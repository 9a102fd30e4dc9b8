"""Shared hypothesis strategies, one module per area."""
