from django.urls import path

from tillit.organisations import invitation_views, views

app_name = "organisations"

urlpatterns = [
    path("", views.choose, name="choose"),
    path("invitations/<uuid:pending>/<str:token>/", invitation_views.answer_invitation, name="invitation"),
    path("<slug:organisation>/", views.start, name="start"),
    path("<slug:organisation>/settings/", views.organisation_settings, name="settings"),
    path("<slug:organisation>/units/", views.unit_list, name="unit_list"),
    path("<slug:organisation>/units/new/", views.unit_create, name="unit_create"),
    path("<slug:organisation>/units/<uuid:unit>/", views.unit_detail, name="unit_detail"),
    path("<slug:organisation>/units/<uuid:unit>/edit/", views.unit_edit, name="unit_edit"),
    path("<slug:organisation>/units/<uuid:unit>/move/", views.unit_move, name="unit_move"),
    path("<slug:organisation>/units/<uuid:unit>/close/", views.unit_close, name="unit_close"),
    path("<slug:organisation>/units/<uuid:unit>/reopen/", views.unit_reopen, name="unit_reopen"),
    path("<slug:organisation>/levels/", views.level_list, name="level_list"),
    path("<slug:organisation>/levels/<uuid:level>/edit/", views.level_edit, name="level_edit"),
    path("<slug:organisation>/levels/<uuid:level>/delete/", views.level_delete, name="level_delete"),
    path("<slug:organisation>/actor-groups/", views.actor_group_list, name="actor_group_list"),
    path("<slug:organisation>/actor-groups/<uuid:actor_group>/edit/", views.actor_group_edit, name="actor_group_edit"),
    path(
        "<slug:organisation>/actor-groups/<uuid:actor_group>/delete/",
        views.actor_group_delete,
        name="actor_group_delete",
    ),
    path("<slug:organisation>/people/", views.people_list, name="people_list"),
    path("<slug:organisation>/people/new/", views.person_create, name="person_create"),
    path("<slug:organisation>/people/import/", views.people_import, name="people_import"),
    path("<slug:organisation>/people/import/commit/", views.people_import_commit, name="people_import_commit"),
    path("<slug:organisation>/people/invited/<uuid:pending>/invite/", views.pending_invite, name="pending_invite"),
    path(
        "<slug:organisation>/people/invited/<uuid:pending>/withdraw/", views.pending_withdraw, name="pending_withdraw"
    ),
    path("<slug:organisation>/people/<uuid:membership>/", views.person_edit, name="person_edit"),
    path("<slug:organisation>/people/<uuid:membership>/remove/", views.person_remove, name="person_remove"),
    path("<slug:organisation>/people/<uuid:membership>/invite/", views.person_invite, name="person_invite"),
]
