"""What the web server entry points (wsgi, asgi) check before they serve."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_development_key() -> None:
    """Stop a server that would sign sessions and reset links with the key committed in the
    repository: anywhere but a laptop (DEBUG, or FACTCHECK_LAPTOP as `make run` sets it), an
    unset SECRET_KEY is a configuration error, said before the first request."""
    if settings.SECRET_KEY != settings.DEVELOPMENT_SECRET_KEY:
        return
    if settings.DEBUG or settings.FACTCHECK_LAPTOP:
        return
    raise ImproperlyConfigured(
        "SECRET_KEY is not set: refusing to serve with the development key from the repository. "
        "Set SECRET_KEY to a long random value (python -c 'import secrets; "
        "print(secrets.token_urlsafe(50))'), or FACTCHECK_LAPTOP=true on a laptop."
    )
