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

_ISO_639_1 = """
aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy
da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht
hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky
la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny
oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss
st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo
za zh zu
"""
KNOWN_LANGUAGES = frozenset(_ISO_639_1.split())
"""ISO 639-1: an article's language names a search shard and a Pagefind
instance in the reader's browser, so made-up ones must not multiply them."""


def known_language(code: str) -> str | None:
    """The ISO 639-1 code `code` starts with ('pt' for 'pt-BR'), or None when
    it is not a well-formed code of a known language."""
    code = code.strip()
    if len(code) > 35 or not LANGUAGE_CODE.match(code):
        return None
    primary = code.split("-", 1)[0].lower()
    return primary if primary in KNOWN_LANGUAGES else None


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
