"""The API's docs page: Swagger UI from the sidecar package (no CDN), under the desk's CSP."""

import pytest

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_docs_page_lists_every_operation(page, live_server):
    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".swagger-ui .opblock").first.wait_for()
    operations = page.locator(".swagger-ui .opblock-summary-path").all_inner_texts()
    assert {"/api/reports/", "/api/reports/{id}/", "/api/extract/"} <= {
        text.strip().replace("\u200b", "") for text in operations
    }
    screenshot(page, "api-docs")
