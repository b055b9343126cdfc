"""Guessing an article's language from its own words, with no model download.

Counting common function words is crude but plenty for telling the scan's
languages apart on a title plus a summary paragraph.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-zà-ÿœæ']+")

_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        ["the", "of", "and", "to", "in", "is", "are", "for", "on", "with", "that", "this", "by", "as", "from", "at", "its", "be", "an", "it", "or", "was", "has", "have", "their", "which", "will", "can", "more", "new", "how"]
    ),
    "fr": frozenset(
        ["le", "la", "les", "des", "du", "de", "et", "en", "un", "une", "est", "sont", "pour", "dans", "sur", "avec", "qui", "que", "par", "au", "aux", "ce", "cette", "ces", "leur", "leurs", "plus", "ne", "pas", "se", "sa", "son", "d'", "l'", "vers", "entre", "face"]
    ),
    "es": frozenset(
        ["el", "la", "los", "las", "de", "del", "y", "en", "un", "una", "es", "son", "para", "con", "que", "por", "al", "lo", "su", "sus", "como", "más", "pero", "este", "esta"]
    ),
    "de": frozenset(
        ["der", "die", "das", "und", "ist", "sind", "für", "mit", "von", "den", "dem", "ein", "eine", "zu", "im", "auf", "nicht", "auch", "sich", "wird", "werden"]
    ),
    "it": frozenset(
        ["il", "lo", "la", "gli", "le", "di", "del", "della", "e", "è", "sono", "per", "con", "che", "un", "una", "nel", "nella", "dei", "delle", "anche", "più"]
    ),
    "pt": frozenset(
        ["o", "a", "os", "as", "de", "do", "da", "dos", "das", "e", "é", "são", "para", "com", "que", "um", "uma", "em", "no", "na", "não", "mais", "pelo", "pela"]
    ),
}

LANGUAGE_CODE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")


def detect_language(text: str, default: str = "en") -> str:
    """The language whose function words are most frequent in `text`."""
    words = _WORD.findall(text.lower().replace("’", "'"))
    tokens: list[str] = []
    for word in words:
        # French elisions (l'essor, d'une) count as the article they start with.
        if "'" in word:
            head, _, tail = word.partition("'")
            tokens.extend((head + "'", tail))
        else:
            tokens.append(word)
    scores = {
        lang: sum(1 for t in tokens if t in stop) for lang, stop in _STOPWORDS.items()
    }
    best = max(sorted(scores), key=lambda lang: scores[lang])
    return best if scores[best] >= 2 and scores[best] > scores.get(default, 0) else default
