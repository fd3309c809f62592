"""How dates read, one module per language (settings.FORMAT_MODULE_PATH).

Django's own short formats write a day as 12/09/2026, which an English reader takes for
December and a Romanian for September. Every format here names the month in words, and the
short formats are the long ones, so a page cannot pick an ambiguous one by accident. What a
module leaves out (input formats, separators) falls back to Django's locale.
"""
