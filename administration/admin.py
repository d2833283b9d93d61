"""The hub's public models in the Django admin, for department administrators.

Read-only wherever a change must be validated as a whole and audited (memberships,
roles, periods, mergers: the administration services and their API and pages); names
and activity flags may be corrected here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from administration.models import AdminChange, DeadlineExtension, ProvisioningJob
from administration.selectors import is_department_admin
from catalogue.models import Period
from tenants.models import (
    Cluster,
    ClusterMembership,
    DepartmentMembership,
    Domain,
    School,
    SchoolLineage,
    SchoolMembership,
)


def administers(request: HttpRequest) -> bool:
    return bool(request.user.is_superuser or is_department_admin(request.user))


class ReadOnlyForAdministrators(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return administers(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return administers(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EditableByAdministrators(ReadOnlyForAdministrators):
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return administers(request)


@admin.register(School)
class SchoolAdmin(EditableByAdministrators):
    list_display = ("schema_name", "name_vi", "province", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("schema_name", "name_vi", "province")
    fields = ("schema_name", "name_vi", "short_name", "province", "is_active", "created_at")
    readonly_fields = ("schema_name", "created_at")


@admin.register(Domain)
class DomainAdmin(ReadOnlyForAdministrators):
    list_display = ("domain", "tenant", "is_primary")


@admin.register(Cluster)
class ClusterAdmin(EditableByAdministrators):
    list_display = ("slug", "name_vi", "name_en", "region")
    search_fields = ("slug", "name_vi")
    readonly_fields = ("slug",)


@admin.register(ClusterMembership)
class ClusterMembershipAdmin(ReadOnlyForAdministrators):
    list_display = ("year", "cluster", "school", "role")
    list_filter = ("year", "role", "cluster")


@admin.register(SchoolMembership)
class SchoolMembershipAdmin(ReadOnlyForAdministrators):
    list_display = ("user", "school", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "school__schema_name")


@admin.register(DepartmentMembership)
class DepartmentMembershipAdmin(ReadOnlyForAdministrators):
    list_display = ("user", "is_admin", "can_manage_scoring")


@admin.register(Period)
class PeriodAdmin(ReadOnlyForAdministrators):
    list_display = ("code", "opens_on", "deadline", "closes_on")


@admin.register(AdminChange)
class AdminChangeAdmin(ReadOnlyForAdministrators):
    list_display = ("at", "actor", "action", "target_type", "target")
    list_filter = ("target_type", "action")
    search_fields = ("target", "actor")


@admin.register(SchoolLineage)
class SchoolLineageAdmin(ReadOnlyForAdministrators):
    list_display = ("predecessor", "successor", "effective_label", "recorded_by")


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(ReadOnlyForAdministrators):
    list_display = ("period", "school", "deadline", "granted_by")


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class HubUserAdmin(UserAdmin):
    """Names, e-mail and the active flag; roles through the administration services,
    passwords only by the user's own password-set link."""

    fieldsets = ((None, {"fields": ("username", "first_name", "email", "is_active")}),)
    readonly_fields = ("username",)
    list_display = ("username", "first_name", "email", "is_active", "last_login")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return administers(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return administers(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return administers(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProvisioningJob)
class ProvisioningJobAdmin(ReadOnlyForAdministrators):
    list_display = ("slug", "name_vi", "status", "created_by", "created_at", "finished_at")
    list_filter = ("status",)
    search_fields = ("slug", "name_vi")
