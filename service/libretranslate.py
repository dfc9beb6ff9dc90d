"""LibreTranslate's API over bitext: its language codes, language list, detection and translation,
so that the clients written for it (libretranslatepy, SearXNG, Weblate, browser extensions) work
unchanged. Translation goes through the same `LiveTranslation` (micro-batcher, translation
cache) as /v1/translate.

Codes: `zh`, `zh-Hans` and `zh-CN` (any case) name Chinese, `en` English; answers always say `zh`,
as `GET /languages` lists it. Errors are `LibreTranslateError`s with LibreTranslate's statuses
(400 bad request or direction, 403 key); the router writes them as `{"error": message}`.
"""

from __future__ import annotations

import asyncio

from models.registry import ModelRegistry
from service.api_keys import ApiKeys
from service.limits import DEFAULT_BEAM, check_size
from service.live_translation import LiveTranslation
from service.schemas_libretranslate import Detection, LanguageOut, TranslateAnswer, TranslateFields
from service.settings import Settings
from text.errors import ModelUnavailable
from text.language import NAMES, detect_language, han_share

CODES = {"zh": "zh", "zh-hans": "zh", "zh-cn": "zh", "en": "en"}
AUTO = "auto"


class LibreTranslateError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def check_key(api_key: str | None, keys: ApiKeys, presented: str | None) -> None:
    """Once the service has keys, every request names one of them: as LibreTranslate's
    `api_key` field, or in a header as on /v1 (`presented`: the key the guard identified)."""
    if keys.enabled and presented is None and keys.valid(api_key or "") is None:
        raise LibreTranslateError(403, "Invalid API key")


def language(code: str, field: str) -> str:
    """bitext's code ('zh' or 'en') for the LibreTranslate code in `field` (source, target)."""
    if not code:
        raise LibreTranslateError(400, f"Invalid request: missing {field} parameter")
    try:
        return CODES[code.lower()]
    except KeyError:
        raise LibreTranslateError(400, f"{code} is not supported") from None


def languages(registry: ModelRegistry) -> list[LanguageOut]:
    """Both languages, each with the targets whose model is here (loaded or on disk)."""
    ready = {(s.source, s.target) for s in registry.status() if s.state != "unavailable"}
    return [
        LanguageOut(code=code, name=name, targets=[t for t in NAMES if (code, t) in ready])
        for code, name in NAMES.items()
    ]


def detect(text: str) -> list[Detection]:
    """Both languages, the likelier first, with a confidence in percent.

    The confidence is the share of the text's content in that language, counting a Han character
    as four Latin letters (text/language.py's rule), so 50% is exactly where `detect_language`
    changes its answer. A text without letters is English with 0%, as LibreTranslate answers.
    """
    share = han_share(text)
    if share is None:
        return [Detection(confidence=0.0, language="en")]
    chinese = round(100 * 4 * share / (1 + 3 * share), 1)
    first = detect_language(text)
    scores = {"zh": chinese, "en": round(100 - chinese, 1)}
    second = "en" if first == "zh" else "zh"
    return [Detection(confidence=scores[code], language=code) for code in (first, second)]


async def translate(
    fields: TranslateFields, live: LiveTranslation, settings: Settings
) -> TranslateAnswer:
    """Each text in its direction (detected text by text for "auto"); a text detected in the
    target language comes back as it is. The texts of one direction share one call."""
    if not fields.q:
        raise LibreTranslateError(400, "Invalid request: missing q parameter")
    texts = fields.texts()
    check_size(settings, "max_list_items", "the list length", len(texts))
    check_size(settings, "max_request_chars", "the request's text length", sum(map(len, texts)))
    target = language(fields.target, "target")
    auto = fields.source.lower() == AUTO
    detected = [detect(text)[0] for text in texts] if auto else []
    sources = (
        [d.language for d in detected] if auto else [language(fields.source, "source")] * len(texts)
    )
    if not auto and sources[0] == target:
        raise LibreTranslateError(400, _unavailable(sources[0], target))
    groups = {s: [i for i, x in enumerate(sources) if x == s] for s in set(sources) - {target}}
    results = list(texts)
    outputs = await asyncio.gather(
        *(
            _translate([texts[i] for i in group], s, target, fields, live, settings)
            for s, group in groups.items()
        )
    )
    for group, translated in zip(groups.values(), outputs, strict=True):
        for index, text in zip(group, translated, strict=True):
            results[index] = text
    one = isinstance(fields.q, str)
    return TranslateAnswer(
        translatedText=results[0] if one else results,
        detectedLanguage=(detected[0] if one else detected) if auto else None,
        # bitext's engine gives its best translation only: alternatives, when asked, are none
        alternatives=([] if one else [[] for _ in texts]) if fields.alternatives > 0 else None,
    )


async def _translate(
    texts: list[str],
    source: str,
    target: str,
    fields: TranslateFields,
    live: LiveTranslation,
    settings: Settings,
) -> list[str]:
    beam = min(DEFAULT_BEAM, settings.max_beam)
    try:
        _, translated = await live.translate(
            texts, source=source, target=target, beam=beam, format=fields.format
        )
    except ModelUnavailable as missing:
        raise LibreTranslateError(400, f"{_unavailable(source, target)}: {missing}") from None
    return [result.text for result in translated]


def _unavailable(source: str, target: str) -> str:
    return (
        f"{NAMES[target]} ({target}) is not available as a target language from "
        f"{NAMES[source]} ({source})"
    )
