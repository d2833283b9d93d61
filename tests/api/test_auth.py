from tests.world import PASSWORD


def test_token_endpoint_returns_a_token_usable_on_the_users_host(world, api_client):
    anonymous = api_client(None, "quangninh")
    response = anonymous.post(
        "/api/v1/auth/token/", {"username": "quangninh-editor", "password": PASSWORD}
    )
    assert response.status_code == 200
    token = response.json()["token"]

    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert anonymous.get("/api/v1/me/").json()["username"] == "quangninh-editor"


def test_token_from_the_public_host_works_on_the_school_host(world, api_client):
    token = (
        api_client(None)
        .post("/api/v1/auth/token/", {"username": "hagiang-editor", "password": PASSWORD})
        .json()["token"]
    )
    school = api_client(None, "hagiang")
    school.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert school.get("/api/v1/me/").status_code == 200


def test_wrong_password_is_400_not_500(world, api_client):
    response = api_client(None, "quangninh").post(
        "/api/v1/auth/token/", {"username": "quangninh-editor", "password": "wrong"}
    )
    assert response.status_code == 400


def test_bad_token_is_401(world, api_client):
    client = api_client(None, "quangninh")
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/v1/me/").status_code == 401
