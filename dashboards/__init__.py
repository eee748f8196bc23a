"""Plotly figures and pages built from analysis results (the dashboard issue fills this in)."""
