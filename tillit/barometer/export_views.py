"""Placeholder: being written."""

from django.http import Http404


def results_csv(request, **kwargs):
    raise Http404


def results_xlsx(request, **kwargs):
    raise Http404


def codebook_csv(request, **kwargs):
    raise Http404
