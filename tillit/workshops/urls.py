from django.urls import path

from tillit.workshops import views

app_name = "workshops"

urlpatterns = [
    path("o/<slug:organisation>/workshops/", views.workshop_list, name="list"),
    path("o/<slug:organisation>/workshops/new/", views.workshop_create, name="create"),
    path("join/", views.join, name="join"),
    path("w/<uuid:workshop>/", views.detail, name="detail"),
    path("w/<uuid:workshop>/participants/", views.participants, name="participants"),
    path("w/<uuid:workshop>/step/", views.set_step, name="set_step"),
    path("w/<uuid:workshop>/guests/", views.guest_places, name="guest_places"),
    path("w/<uuid:workshop>/cards/", views.cards, name="cards"),
    path("w/<uuid:workshop>/cards/<uuid:item>/", views.card_edit, name="card_edit"),
    path("w/<uuid:workshop>/cards/<uuid:item>/merge/", views.card_merge, name="card_merge"),
    path("w/<uuid:workshop>/links/", views.link, name="link"),
    path("w/<uuid:workshop>/rate/", views.rate, name="rate"),
    path("w/<uuid:workshop>/results/", views.results, name="results"),
    path("w/<uuid:workshop>/results.csv", views.results_csv, name="results_csv"),
    path("w/<uuid:workshop>/report.pdf", views.results_pdf, name="results_pdf"),
]
