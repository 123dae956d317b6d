from django.urls import path

from tillit.organisations.views import invitations, levels, people, start, units

app_name = "organisations"

urlpatterns = [
    path("", start.choose, name="choose"),
    path("invitations/<uuid:pending>/<str:token>/", invitations.answer_invitation, name="invitation"),
    path("<slug:organisation>/", start.start, name="start"),
    path("<slug:organisation>/settings/", start.organisation_settings, name="settings"),
    path("<slug:organisation>/units/", units.unit_list, name="unit_list"),
    path("<slug:organisation>/units/new/", units.unit_create, name="unit_create"),
    path("<slug:organisation>/units/<uuid:unit>/", units.unit_detail, name="unit_detail"),
    path("<slug:organisation>/units/<uuid:unit>/edit/", units.unit_edit, name="unit_edit"),
    path("<slug:organisation>/units/<uuid:unit>/move/", units.unit_move, name="unit_move"),
    path("<slug:organisation>/units/<uuid:unit>/close/", units.unit_close, name="unit_close"),
    path("<slug:organisation>/units/<uuid:unit>/reopen/", units.unit_reopen, name="unit_reopen"),
    path("<slug:organisation>/levels/", levels.level_list, name="level_list"),
    path("<slug:organisation>/levels/<uuid:level>/edit/", levels.level_edit, name="level_edit"),
    path("<slug:organisation>/levels/<uuid:level>/delete/", levels.level_delete, name="level_delete"),
    path("<slug:organisation>/actor-groups/", levels.actor_group_list, name="actor_group_list"),
    path("<slug:organisation>/actor-groups/<uuid:actor_group>/edit/", levels.actor_group_edit, name="actor_group_edit"),
    path(
        "<slug:organisation>/actor-groups/<uuid:actor_group>/delete/",
        levels.actor_group_delete,
        name="actor_group_delete",
    ),
    path("<slug:organisation>/people/", people.people_list, name="people_list"),
    path("<slug:organisation>/people/new/", people.person_create, name="person_create"),
    path("<slug:organisation>/people/import/", people.people_import, name="people_import"),
    path("<slug:organisation>/people/import/commit/", people.people_import_commit, name="people_import_commit"),
    path("<slug:organisation>/people/invited/<uuid:pending>/invite/", people.pending_invite, name="pending_invite"),
    path(
        "<slug:organisation>/people/invited/<uuid:pending>/withdraw/", people.pending_withdraw, name="pending_withdraw"
    ),
    path("<slug:organisation>/people/<uuid:membership>/", people.person_edit, name="person_edit"),
    path("<slug:organisation>/people/<uuid:membership>/remove/", people.person_remove, name="person_remove"),
    path("<slug:organisation>/people/<uuid:membership>/invite/", people.person_invite, name="person_invite"),
]
