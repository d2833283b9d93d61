import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tenants.models import Domain, School
from tenants.services import ProvisioningError, school_provision


def schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", [name])
        return cursor.fetchone() is not None


def test_provisioning_creates_schema_and_domain(world):
    school = school_provision(
        slug="yenbai", name_vi="Trường Chính trị tỉnh Yên Bái", short_name="Yên Bái"
    )

    assert schema_exists("yenbai")
    assert Domain.objects.get(tenant=school).domain == "yenbai.localhost"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = 'yenbai' "
            "AND table_name = 'django_migrations'"
        )
        assert cursor.fetchone() is not None


@pytest.mark.parametrize("slug", ["Quang Ninh", "quảngninh", "public", "1abc", "a", "pg_x", ""])
def test_invalid_slug_is_refused_with_one_sentence_and_nothing_changes(world, slug):
    before = (School.objects.count(), Domain.objects.count())

    with pytest.raises(ProvisioningError) as refused:
        school_provision(slug=slug, name_vi="Trường thử", short_name="Thử")

    assert "không hợp lệ" in str(refused.value)
    assert "\n" not in str(refused.value)
    assert (School.objects.count(), Domain.objects.count()) == before


def test_duplicate_slug_is_refused_and_nothing_changes(world):
    before = (School.objects.count(), Domain.objects.count())

    with pytest.raises(ProvisioningError, match="đã tồn tại"):
        school_provision(slug="quangninh", name_vi="Trùng", short_name="Trùng")

    assert (School.objects.count(), Domain.objects.count()) == before
    assert School.objects.get(schema_name="quangninh").name_vi.startswith("Trường Đào tạo cán bộ")


def test_management_command_reports_refusal_as_command_error(world):
    with pytest.raises(CommandError, match="đã tồn tại"):
        call_command("provision_school", "quangninh", "--name", "Trùng")


def test_school_host_serves_its_pages_and_unknown_host_gets_404(world, page_client):
    assert page_client(None, "quangninh").get("/accounts/login/").status_code == 200
    assert page_client(None, "nowhere").get("/accounts/login/").status_code == 404


def test_login_page_is_vietnamese_with_an_english_switch(world, page_client):
    client = page_client(None, "quangninh")
    page = client.get("/accounts/login/").content.decode()
    assert "Đăng nhập" in page and "Mật khẩu" in page

    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    english = client.get("/accounts/login/").content.decode()
    assert "Sign in" in english and "Password" in english
