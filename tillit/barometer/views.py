"""Placeholder: being written."""

from django.http import Http404


def round_list(request, **kwargs):
    raise Http404


def round_create(request, **kwargs):
    raise Http404


def instrument(request, **kwargs):
    raise Http404


def add_item(request, **kwargs):
    raise Http404


def add_block(request, **kwargs):
    raise Http404


def remove_item(request, **kwargs):
    raise Http404


def round_detail(request, **kwargs):
    raise Http404


def round_edit(request, **kwargs):
    raise Http404


def round_launch(request, **kwargs):
    raise Http404


def round_close(request, **kwargs):
    raise Http404


def round_remind(request, **kwargs):
    raise Http404
