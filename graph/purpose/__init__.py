"""Our shared purpose: made together by the constituency, and kept honest.

``model`` (the items), ``records`` (how they live in the map's history), ``usecases`` (the one
write path for them), ``board`` (the board of our, shared and purpose), ``warnings`` (keeping
it honest), ``text_rules`` (a purpose that reads like an aim or a service role),
``checklist`` (the reflection questions) and ``parts`` (each person's part in it).
"""
