"""Turn an uploaded Word, plain-text or Markdown file into draft sections of a code of conduct.

``parser`` is the entry point (``parse_code_file``). A Word file is checked by ``word_package``
and turned into Markdown by ``word``; a text file is read with ``decoding``. Either text is cut at
its headings with ``splitting`` (each line's shape judged by ``lines``), its introduction named in
the document's ``language`` and each section's category guessed with ``categories``.
"""
