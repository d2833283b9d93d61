"""The admin app with the hub's own site (hub.admin_site); kept apart from it because
an app config module is imported before the models are ready."""

from django.contrib.admin.apps import AdminConfig


class HubAdminConfig(AdminConfig):
    default_site = "hub.admin_site.HubAdminSite"
