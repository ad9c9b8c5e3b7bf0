"""Human-facing text in Simplified Chinese and English, through gettext catalogs.

Every text a person reads (CLI help, table headings, statuses, report labels, certificates,
error messages) is written in English in the code and marked with :func:`_` (or
:func:`ngettext` for plurals, :func:`N_` where the text is only declared and translated later).
The catalogs live in ``civicvol/locale/<lang>/LC_MESSAGES/civicvol.po`` (compiled to ``.mo``);
Babel extracts and compiles them (see docs/i18n.md). JSON output keeps stable English keys.

The language is, in order: :func:`set_language` (the CLI's ``--lang``), ``CIVICVOL_LANG``, the
system locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else English. The catalog is read on
first use, so importing this module costs nothing at start.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

DOMAIN = "civicvol"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "zh_CN")
LANG_ENV = "CIVICVOL_LANG"

_chosen: str | None = None
_plugin_catalogs: list[PluginTranslations] = []  # the plug-ins' own domains, once made


def normalise(lang: str) -> str | None:
    """``zh``, ``zh-CN``, ``zh_CN.UTF-8``, ``zh_Hans`` → ``zh_CN``; ``en_US`` → ``en``; an
    unsupported language → None."""
    code = lang.split(".")[0].split("@")[0].replace("-", "_").strip()
    if not code or code in ("C", "POSIX"):
        return None
    if code.lower().startswith("zh"):
        return "zh_CN"
    if code.lower().startswith("en"):
        return "en"
    return None


def set_language(lang: str | None) -> None:
    """Choose the language for this process (None: back to the environment's choice)."""
    global _chosen
    _chosen = normalise(lang) if lang else None


def chosen() -> str | None:
    """What :func:`set_language` chose for this process (the CLI's ``--lang``), if anything."""
    return _chosen


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Texts in ``lang`` inside the block (a page or a certificate in its own language), and
    the process's own choice again after it."""
    global _chosen
    before = _chosen
    set_language(lang)
    try:
        yield
    finally:
        _chosen = before


def language() -> str:
    """The language texts are given in now: one of :data:`LANGUAGES`."""
    if _chosen:
        return _chosen
    for variable in (LANG_ENV, "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            found = normalise(value)
            if found:
                return found
            if variable == LANG_ENV:
                continue  # an unknown CIVICVOL_LANG falls through to the system's choice
    return "en"


@cache
def _translations(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


@cache
def _msgids(lang: str) -> dict[str, str]:
    catalog = getattr(_translations(lang), "_catalog", {})
    return {text: key for key, text in catalog.items() if isinstance(key, str) and key}


def msgid_of(text: str) -> str:
    """The English text a translated one came from (the text itself if it is not a
    translation): for texts translated once and shown again in another language."""
    for lang in LANGUAGES:
        if lang != "en" and text in _msgids(lang):
            return _msgids(lang)[text]
    return text


def _(message: str) -> str:
    """The message in the current language (from civicvol's catalog, else from a plug-in's:
    a plug-in's report labels and statuses are shown by civicvol's code)."""
    lang = language()
    found = _translations(lang).gettext(message)
    if found == message and lang != "en":
        for texts in _plugin_catalogs:
            found = texts._catalog().gettext(message)
            if found != message:
                break
    return found


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the current language."""
    return _translations(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a text for the catalog without translating it here (translate it where shown)."""
    return message


class PluginTranslations:
    """A plug-in's own gettext domain, so that it ships its catalog with its package and
    follows civicvol's language choice (see docs/i18n.md)::

        texts = PluginTranslations("civicvol_newsletter", Path(__file__).parent / "locale")
        _, ngettext = texts.gettext, texts.ngettext
    """

    def __init__(self, domain: str, locale_dir: Path | str) -> None:
        self.domain = domain
        self.locale_dir = Path(locale_dir)
        self._loaded: dict[str, gettext.NullTranslations] = {}
        _plugin_catalogs.append(self)

    def _catalog(self) -> gettext.NullTranslations:
        lang = language()
        if lang not in self._loaded:
            self._loaded[lang] = (gettext.NullTranslations() if lang == "en" else
                                  gettext.translation(self.domain, self.locale_dir,
                                                      languages=[lang], fallback=True))
        return self._loaded[lang]

    def gettext(self, message: str) -> str:
        """The message in the current language, from the plug-in's catalog (else civicvol's,
        so that a plug-in may reuse civicvol's own words)."""
        found = self._catalog().gettext(message)
        return _translations(language()).gettext(message) if found == message else found

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found = self._catalog().ngettext(singular, plural, n)
        return ngettext(singular, plural, n) if found in (singular, plural) else found
