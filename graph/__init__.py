"""movemap's domain: the model, the stores and the analysis of a constituency for change."""
