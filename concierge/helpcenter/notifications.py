"""E-mail that brings readers' comments on an article to its owner."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation as translation_utils

from concierge.helpcenter.models import ArticleFeedback


def feedback_notification_send(*, feedback_id: int) -> int:
    """E-mail a comment to the article's owner; returns how many e-mails were sent."""
    feedback = (
        ArticleFeedback.objects.select_related("translation__article__owner")
        .filter(pk=feedback_id)
        .first()
    )
    if feedback is None or not feedback.comment:
        return 0
    translation = feedback.translation
    owner = translation.article.owner
    if owner is None or not owner.is_active or not owner.email:
        return 0
    context = {
        "feedback": feedback,
        "translation": translation,
        "owner": owner,
        "link": settings.SITE_URL
        + reverse("helpcenter:edit", args=[translation.article_id, translation.language]),
        "brand_name": settings.BRAND_NAME,
    }
    with translation_utils.override(owner.language or settings.LANGUAGE_CODE):
        subject = render_to_string("helpcenter/emails/feedback-subject.txt", context)
        text = render_to_string("helpcenter/emails/feedback-body.txt", context)
        html = render_to_string("helpcenter/emails/feedback-body.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text, to=[owner.email])
    message.attach_alternative(html, "text/html")
    return message.send()
