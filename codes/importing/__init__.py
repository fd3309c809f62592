"""Turn an uploaded plain-text or Markdown file into draft sections of a code of conduct.

``parser`` is the entry point (``parse_code_text``); it reads the bytes with ``decoding``, cuts
the text at its headings with ``splitting`` (each line's shape judged by ``lines``), names the
introduction in the document's ``language`` and guesses each section's category with
``categories``.
"""
