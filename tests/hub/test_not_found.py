"""Unknown addresses: JSON under /api/ on every host, the hub's page elsewhere; the
pages carry a favicon (no console error on every page)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("slug", [None, "quangninh"])
def test_an_unknown_api_address_answers_json(world, api_client, slug):
    response = api_client("quangninh-editor" if slug else "department", slug).get(
        "/api/v1/no-such-route/"
    )
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == "Không có địa chỉ này trong API."


def test_an_unknown_page_is_the_hubs_html_404(world, page_client):
    response = page_client("quangninh-editor", "quangninh").get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_pages_name_their_favicon(world, page_client):
    body = page_client(None).get("/accounts/login/").content.decode()
    assert 'rel="icon"' in body and "favicon.svg" in body
