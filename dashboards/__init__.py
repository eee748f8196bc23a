"""Plotly figures and the words beside them, built from analysis results (no store, no Flask)."""
