"""movemap's edge: the command line (``service.cli``) and the text report (``service.report``).

This is the only layer that picks a store and wires things together; ``graph`` never imports it.
"""
