"""Remember a person's language in the session when they sign in."""

from django.http import HttpRequest

from concierge.people.models import User


def remember_language(request: HttpRequest, user: User) -> None:
    if user.language:
        request.session["language"] = user.language
