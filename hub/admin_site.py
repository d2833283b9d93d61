"""The Django admin as the department administrators' fallback (operators' view of the
hub's public models), not their main interface: the year set-up goes through the
administration services, which audit every change."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from administration.selectors import is_department_admin


class HubAdminSite(admin.AdminSite):
    site_header = "Cụm Hub"
    site_title = "Cụm Hub"
    index_title = "Quản trị"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not user.is_active:
            return False
        return bool(user.is_superuser or user.is_staff or is_department_admin(user))
