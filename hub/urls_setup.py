"""The department's year set-up pages (hub.views.setup), under /setup/ on the hub's host."""

from django.urls import path

from hub.views.setup import history, members, mergers, people, periods, person, schools, year

urlpatterns = [
    path("", year.index, name="setup_year"),
    path("clusters/", year.cluster_create, name="setup_cluster_create"),
    path("copy/", year.copy_year, name="setup_copy_year"),
    path("import/", year.import_preview, name="setup_import"),
    path("import/confirm/", year.import_confirm, name="setup_import_confirm"),
    path("clusters/<slug:slug>/<int:year>/", members.edit, name="setup_members"),
    path("schools/", schools.index, name="setup_schools"),
    path("schools/jobs/<int:job_id>/", schools.job_status, name="setup_school_job"),
    path("schools/<slug:slug>/", schools.update, name="setup_school_update"),
    path("people/", people.index, name="setup_people"),
    path("people/<str:username>/", person.edit, name="setup_person"),
    path("periods/", periods.index, name="setup_periods"),
    path("periods/extensions/", periods.extend, name="setup_extend"),
    path("periods/<str:code>/", periods.update, name="setup_period_update"),
    path("mergers/", mergers.index, name="setup_mergers"),
    path("history/", history.index, name="setup_history"),
]
