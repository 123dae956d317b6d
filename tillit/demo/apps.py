from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo organisations, built from every part: the top of the house, which nothing imports."""

    name = "tillit.demo"
