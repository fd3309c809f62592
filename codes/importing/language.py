"""The language a document is written in, as far as naming its introduction needs: Romanian or English."""

from __future__ import annotations

import re

# Short words that are frequent in one language and rare in the other; a word in neither set
# does not vote. Romanian words are given with and without diacritics (text typed without them
# is common), and words spelled alike in both languages ("in", "a") are left out.
# fmt: off
_STOP_WORDS: dict[str, frozenset[str]] = {
    "ro": frozenset({
        "și", "si", "în", "de", "la", "cu", "pe", "să", "sa", "pentru", "este", "sunt", "care", "nu", "din",
        "sau", "ale", "lui", "unui", "unei", "fi", "se", "un", "o", "ca", "această", "aceasta", "acest",
        "acestei", "fiecare", "toți", "toti", "toate", "prin", "față", "fata", "după", "dupa", "când", "cand",
        "către", "catre", "mai", "ori", "doar", "iar", "dacă", "daca", "noi", "lor", "le", "vor", "va", "trebuie",
    }),
    "en": frozenset({
        "the", "and", "of", "to", "is", "are", "for", "with", "that", "be", "we", "our", "you", "your", "not",
        "or", "this", "on", "as", "by", "it", "an", "any", "all", "will", "must", "should", "they", "their",
        "who", "when", "which", "from", "have", "has", "do", "does", "may", "each", "every",
    }),
}
# fmt: on
_ROMANIAN_LETTERS = frozenset("ăâîșțşţĂÂÎȘȚŞŢ")
# Enough words to tell the languages apart; a long file is not read to its end for this.
_LANGUAGE_SAMPLE_WORDS = 2_000


def document_language(text: str) -> str:
    """ "ro" when the text reads as Romanian, else "en": a count of frequent short words.

    A word with a Romanian letter (ă, â, î, ș, ț) also counts for Romanian, so a document of
    headings and terse bullets is still recognised.
    """
    votes = dict.fromkeys(_STOP_WORDS, 0)
    for word in re.findall(r"\w+", text[: _LANGUAGE_SAMPLE_WORDS * 12])[:_LANGUAGE_SAMPLE_WORDS]:
        folded = word.casefold()
        for language, words in _STOP_WORDS.items():
            if folded in words:
                votes[language] += 1
        if not _ROMANIAN_LETTERS.isdisjoint(word):
            votes["ro"] += 1
    # A Romanian word or two in an English text (a name, a quoted title) does not make it Romanian.
    return "ro" if votes["ro"] > max(votes["en"], 1) else "en"
