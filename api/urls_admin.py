"""The department administrators' routes (public host): /api/v1/admin/…"""

from django.urls import path

from api import views_admin as views

admin_patterns = [
    path("admin/clusters/", views.ClusterListView.as_view(), name="api-admin-clusters"),
    path(
        "admin/clusters/copy-year/",
        views.ClusterCopyYearView.as_view(),
        name="api-admin-clusters-copy-year",
    ),
    path(
        "admin/clusters/import/",
        views.ClusterImportView.as_view(),
        name="api-admin-clusters-import",
    ),
    path(
        "admin/clusters/<slug:slug>/years/<int:year>/members/",
        views.ClusterMembersView.as_view(),
        name="api-admin-cluster-members",
    ),
    path("admin/schools/", views.SchoolListView.as_view(), name="api-admin-schools"),
    path("admin/schools/<slug:slug>/", views.SchoolDetailView.as_view(), name="api-admin-school"),
    path("admin/users/", views.UserListView.as_view(), name="api-admin-users"),
    path(
        "admin/users/<str:username>/roles/",
        views.UserRolesView.as_view(),
        name="api-admin-user-roles",
    ),
    path("admin/periods/<str:code>/", views.PeriodAdminView.as_view(), name="api-admin-period"),
    path(
        "admin/periods/<str:code>/extensions/",
        views.DeadlineExtensionView.as_view(),
        name="api-admin-period-extensions",
    ),
    path("admin/mergers/", views.MergerView.as_view(), name="api-admin-mergers"),
    path("admin/history/", views.HistoryView.as_view(), name="api-admin-history"),
]
