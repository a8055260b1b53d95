"""Which language a question is in, when the index's embedding model reads English only.

The bundled all-MiniLM-L6-v2 was trained on English: a Spanish question about a topic the
documents cover matches nothing, and the reader would only hear "nothing relevant". So a
question is checked offline with py3langid (langid.py's model, a few MB, no download): when
it is confidently another language and the model is English-only, the assistant says so.

Short questions are where language identification errs ("Why not?" reads as Nigerian
Pidgin among langid's 97 languages), so the candidates are English and the 30 languages
named below, a question of fewer than three words is never called foreign, and neither is
one below `CONFIDENCE`; a question mostly in another script (Chinese, Cyrillic, Arabic...)
is."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from modelhome import loading

CONFIDENCE = 0.5  # of langid's normalised probability, for a question in Latin script
MIN_WORDS = 3
# Model names that say they read many languages (sentence-transformers' and others').
_MULTILINGUAL = ("multilingual", "labse", "bge-m3", "xlm")
MULTILINGUAL_EXAMPLE = "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2"
_NAMES = {
    "ar": "Arabic", "bg": "Bulgarian", "ca": "Catalan", "cs": "Czech", "da": "Danish",
    "de": "German", "el": "Greek", "es": "Spanish", "fa": "Persian", "fi": "Finnish",
    "fr": "French", "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian", "id": "Indonesian",
    "it": "Italian", "ja": "Japanese", "ko": "Korean", "nl": "Dutch", "no": "Norwegian",
    "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sv": "Swedish",
    "th": "Thai", "tr": "Turkish", "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip

# English and the languages named here, not langid's 97: a short Spanish question
# ("¿Qué es la síntesis de programas?") otherwise reads as Extremaduran at 0.41.
_CANDIDATES = tuple(sorted({*_NAMES, "en"}))


def _identify(text: str) -> tuple[str, float]:
    """(language code, probability): py3langid's model, loaded once, shared read-only."""
    code, probability = loading.language_identifier(_CANDIDATES).classify(text)
    return str(code), float(probability)


def _mostly_non_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    foreign = sum(1 for c in letters if not unicodedata.name(c, "").startswith("LATIN"))
    return bool(letters) and foreign > len(letters) / 2


@dataclass(frozen=True, slots=True)
class Language:
    code: str  # ISO 639-1, as langid names it

    @property
    def name(self) -> str:
        return _NAMES.get(self.code, f"language '{self.code}'")


def foreign(question: str) -> Language | None:
    """The question's language when it is confidently not English, else None."""
    code, probability = _identify(question)
    if code == "en":
        return None
    if _mostly_non_latin(question):
        return Language(code)
    if len(question.split()) < MIN_WORDS or probability < CONFIDENCE:
        return None
    return Language(code)


def english_only(model: str) -> bool:
    """Does the embedding model `model` read English only? (Unless its name says otherwise.)"""
    return not any(hint in model.lower() for hint in _MULTILINGUAL)


def how_to_go_multilingual(model: str) -> str:
    """What to do about it: the command that rebuilds an index with a multilingual model."""
    return (
        f"Ask in English, or rebuild the index with a multilingual embedding model (it "
        f"replaces {model}; the model is downloaded once): rag index build PATH... "
        f"--embedding-model {MULTILINGUAL_EXAMPLE} --rebuild"
    )


class LanguageCheck:
    """The check for one index: whether its embedding model can serve a question."""

    def __init__(self, embedding_model: str) -> None:
        self.model = embedding_model
        self.english_only = english_only(embedding_model)
        self._short = embedding_model.rsplit("/", 1)[-1]  # as the messages name it

    def unserved(self, question: str) -> Language | None:
        """The question's language when this index's model cannot read it, else None."""
        return foreign(question) if self.english_only else None

    def declined(self, language: Language) -> str:
        """Instead of "nothing in them is relevant": why nothing matched."""
        short = self._short
        return (
            f"I can't answer that from your documents: your question looks like "
            f"{language.name}, and this index's embedding model ({short}) reads English only, "
            f"so it could not match the question to your documents. "
            f"{how_to_go_multilingual(short)}"
        )

    def notice(self, language: Language) -> str:
        """Beside an answer found anyway: what may have been missed."""
        short = self._short
        return (
            f"Your question looks like {language.name}; this index's embedding model "
            f"({short}) reads English only, so passages that answer it may have been missed."
        )
