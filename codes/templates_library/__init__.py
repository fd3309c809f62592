"""Templates: starting points for a new code document, listed together whether built in or saved.

``files`` reads the built-in templates, written for this project in ``builtin/`` (one JSON file per
template, with its text in each language); ``services`` loads them into the CodeTemplate table after
every ``migrate``, creates a document and its first draft from a template and saves a published
version as a new template; ``selectors`` reads the list; ``views`` and ``forms`` are the pages.
"""
