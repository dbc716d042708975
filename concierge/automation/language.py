"""The language a ticket is written in, detected from its text and stored on the ticket.

Detection uses Lingua (the `lingua-language-detector` package): its statistical models
ship inside the package, so it works offline and gives the same answer every time. It was
chosen over langdetect (random unless seeded, weak on short texts) and the fastText-based
detectors (their model files are downloaded at run time, which a desk without Internet
access cannot do) because tickets are often short ("Hei, missä laskuni on?") and Lingua
is the most accurate of them on short texts. It runs in low-accuracy mode, which needs
about 60 MB of memory instead of several hundred and is still right on a sentence, and it
only weighs the languages in LANGUAGE_DETECTION_LANGUAGES.

A detection counts only when Lingua is confident enough
(LANGUAGE_DETECTION_MIN_CONFIDENCE) and, to replace the customer's own language, the text
is a sentence or more; otherwise the ticket keeps the language it had. "ok thanks" says
nothing reliable about a language, and a wrong guess would route the ticket to the wrong
team. The words of a customer who prefers Finnish but writes in English make an English
ticket: that is the language the answer should be in.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.conf import settings

from concierge.tickets.models import EventKind, MessageKind, Ticket, TicketEvent

logger = logging.getLogger(__name__)

# Enough text to decide; the rest of a long message adds time and nothing else.
MAX_CHARACTERS = 2000
MIN_LETTERS = 3
MIN_LETTERS_TO_OVERRIDE = 30


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = []
    for code in settings.LANGUAGE_DETECTION_LANGUAGES:
        try:
            languages.append(Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())))
        except (AttributeError, ValueError):
            logger.warning("language detection: %r is not a language Lingua knows", code)
    if len(languages) < 2:
        return None
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the language `text` is written in, or "" when unsure."""
    text = text[:MAX_CHARACTERS]
    if sum(character.isalpha() for character in text) < MIN_LETTERS:
        return ""
    detector = _detector()
    if detector is None:
        return ""
    values = detector.compute_language_confidence_values(text)
    if not values or values[0].value < settings.LANGUAGE_DETECTION_MIN_CONFIDENCE:
        return ""
    return values[0].language.iso_code_639_1.name.lower()


def _language_of(text: str, current: str) -> str:
    """The language `text` is written in, or `current` when it does not say enough.

    The text must be long enough (MIN_LETTERS_TO_OVERRIDE) to replace a language there
    is already: "Hello" is no reason to doubt a Russian customer.
    """
    if current and sum(c.isalpha() for c in text) < MIN_LETTERS_TO_OVERRIDE:
        return current
    return detect_language(text) or current


def new_ticket_language(*, given: str, requester_language: str, subject: str, body: str) -> str:
    """The language of a ticket a customer opens with these words (`subject` and `body`
    as stored), decided before it is stored: triggers and routing see it from the start.

    A language given that differs from the customer's own was chosen on purpose, and is
    kept; otherwise the words decide, over the customer's own language.
    """
    if given and given != requester_language:
        return given
    return _language_of(f"{subject}\n{body}", given or requester_language)


def _should_detect(event: TicketEvent) -> bool:
    # A new ticket has its language already (new_ticket_language, in ticket_create).
    return (
        event.kind == EventKind.MESSAGE_ADDED
        and not event.ticket.language
        and event.message is not None
        and event.message.kind == MessageKind.CUSTOMER
    )


def ticket_language_detect(events: Sequence[TicketEvent]) -> None:
    """Store the detected language on tickets without one when their customer writes.

    Part of the ticket's own change, before triggers and routing look at it: the row
    (locked by the service that wrote the events) and the events' ticket are both updated.
    """
    for event in events:
        if not _should_detect(event):
            continue
        ticket = event.ticket
        language = _language_of(event.message.body_text, ticket.language)
        if language and language != ticket.language:
            Ticket.objects.filter(pk=ticket.pk).update(language=language)
            ticket.language = language
