from django.urls import path

from tillit.live.views import control, files, phone, preparing, results, screen

app_name = "live"

urlpatterns = [
    # Participants, without an account (views/phone.py): the code is the way in.
    path("l/", phone.enter_code, name="enter_code"),
    path("l/<str:code>/", phone.follow, name="follow"),
    path("l/<str:code>/ga-med/", phone.join, name="join"),
    path("l/<str:code>/svar/", phone.answer, name="answer"),
    path("l/<str:code>/fraga/", phone.ask, name="ask"),
    path("l/<str:code>/fragor/<uuid:question>/upp/", phone.upvote, name="upvote"),
    path("l/<str:code>/lage/", phone.state, name="phone_state"),
    # Preparing (views/preparing.py): the organisation's meetings, a meeting's agenda.
    path("o/<slug:organisation>/live/", preparing.sessions, name="sessions"),
    path("live/<uuid:session>/", preparing.agenda, name="agenda"),
    path("live/<uuid:session>/installningar/", preparing.settings, name="settings"),
    path("live/<uuid:session>/aktiviteter/ny/", preparing.add_activity, name="add_activity"),
    path("live/<uuid:session>/aktiviteter/<uuid:activity>/", preparing.edit_activity, name="edit_activity"),
    path("live/<uuid:session>/aktiviteter/<uuid:activity>/flytta/", preparing.move_activity, name="move_activity"),
    path("live/<uuid:session>/aktiviteter/<uuid:activity>/ta-bort/", preparing.delete_activity, name="delete_activity"),
    # Running (views/screen.py: the big screen; views/control.py: the moderator).
    path("live/<uuid:session>/skarm/", screen.screen, name="screen"),
    path("live/<uuid:session>/skarm/lage/", screen.state, name="screen_state"),
    path("live/<uuid:session>/qr.png", files.qr_code, name="qr"),
    path("live/<uuid:session>/moderera/", control.moderate, name="moderate"),
    path("live/<uuid:session>/styr/", control.control, name="control"),
    path("live/<uuid:session>/fragor/<uuid:question>/", control.question, name="question"),
    path("live/<uuid:session>/ord/", control.word, name="word"),
    # Afterwards (views/results.py, views/files.py).
    path("live/<uuid:session>/resultat/", results.results, name="results"),
    path("live/<uuid:session>/resultat.csv", files.export_csv, name="export_csv"),
    path("live/<uuid:session>/resultat.pdf", files.export_pdf, name="export_pdf"),
    path("live/<uuid:session>/skicka-vidare/", results.send_on, name="send_on"),
]
