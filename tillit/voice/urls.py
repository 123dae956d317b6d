from django.urls import path

from tillit.voice.views import managing, public

app_name = "voice"

urlpatterns = [
    path("r/<str:code>/", public.suggest, name="suggest"),
    path("r/<str:code>/tack/", public.thanks, name="thanks"),
    path("r/<str:code>/vi-gjorde/", public.you_said, name="you_said"),
    path("o/<slug:organisation>/brukarrosten/", managing.suggestions, name="suggestions"),
    path("o/<slug:organisation>/brukarrosten/sidor/", managing.pages, name="pages"),
    path("o/<slug:organisation>/brukarrosten/sidor/<uuid:page>/oppen/", managing.page_open, name="page_open"),
    path("o/<slug:organisation>/brukarrosten/sidor/<uuid:page>/inmatning/", managing.entry, name="entry"),
    path("o/<slug:organisation>/brukarrosten/forslag/<uuid:suggestion>/", managing.suggestion, name="suggestion"),
]
