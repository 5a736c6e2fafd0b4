import os

from django.core.asgi import get_asgi_application

from factcheck.serving import refuse_development_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
application = get_asgi_application()
refuse_development_key()
