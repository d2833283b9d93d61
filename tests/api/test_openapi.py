def test_openapi_schema_documents_the_contract_routes(world, api_client):
    response = api_client("quangninh-editor", "quangninh").get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for route in [
        "/api/v1/submissions/{period_code}/",
        "/api/v1/submissions/{period_code}/submit/",
        "/api/v1/submissions/{period_code}/upload/",
        "/api/v1/indicators/",
        "/api/v1/clusters/{cluster_slug}/periods/{period_code}/snapshot/",
        "/api/v1/clusters/{cluster_slug}/periods/{period_code}/reports/",
    ]:
        assert route in paths, route
    security = {
        name for scheme in response.json()["components"]["securitySchemes"] for name in [scheme]
    }
    assert {"tokenAuth", "cookieAuth"} <= security


def test_the_public_hosts_schema_documents_the_year_set_up(world, api_client):
    paths = api_client("department").get("/api/v1/schema/?format=json").json()["paths"]
    for route in [
        "/api/v1/admin/clusters/",
        "/api/v1/admin/clusters/{slug}/years/{year}/members/",
        "/api/v1/admin/schools/",
        "/api/v1/admin/users/",
        "/api/v1/admin/users/{username}/roles/",
        "/api/v1/admin/periods/{code}/",
        "/api/v1/auth/token/revoke/",
    ]:
        assert route in paths, route
