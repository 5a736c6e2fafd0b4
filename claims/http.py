"""Request types the desk's views share."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that passed django_htmx's middleware, which sets `htmx`."""

    htmx: HtmxDetails
