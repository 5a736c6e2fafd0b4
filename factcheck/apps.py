from django.apps import AppConfig


class FactcheckConfig(AppConfig):
    name = "factcheck"
    verbose_name = "Factcheck project"

    def ready(self) -> None:
        from factcheck import checks  # noqa: F401 -- registers the deployment checks
