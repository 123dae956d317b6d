"""Placeholder: being written."""

from django.http import Http404


def report(request, **kwargs):
    raise Http404


def report_unit(request, **kwargs):
    raise Http404


def report_level(request, **kwargs):
    raise Http404


def report_group(request, **kwargs):
    raise Http404
