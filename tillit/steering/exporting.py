"""The analysis of a campaign as a spreadsheet (CSV, and XLSX for whoever needs it), from the same publication as
the page (`reporting.campaign_publication`): nothing here reads a rating.

Long format, one row per view, name and measure: each signal's hours (an estimate), raters, mean value, mean burden
and share knowing who uses the data, its verdict; each signal's means by level and by actor group; the hours by
kind, source, owner and unit (every unit, where the page shows the top two levels of the tree). A hidden figure is
an empty cell, with "nej" under `visas`. Comments are not exported (as the barometer's free text): they are read on
the page, where they are shown only for a signal as a whole.

The column names are identifiers for whoever analyses the file and stay the same in every language.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.text import slugify

from tillit.privacy.suppression import Cell
from tillit.reports.spreadsheets import Row, csv_bytes, xlsx_bytes
from tillit.steering.reporting import GroupFigures, HoursRow, Publication, SignalFigures

__all__ = ["COLUMNS", "analysis_csv", "analysis_rows", "analysis_xlsx", "filename"]

COLUMNS = ("vy", "namn", "styrsignal", "mått", "värde", "antal", "visas")

HOURS = "timmar_per_år_uppskattning"
RATERS = "bedömare"
VALUE = "värde_för_mötet_medel"
BURDEN = "börda_medel"
KNOWING = "vet_vem_som_använder_uppgifterna_andel"
CANDIDATE = "kandidat_att_ta_bort_eller_förenkla"
TIME_THIEF = "tidstjuv"


def _hours(hours: Decimal) -> float:
    return float(hours.quantize(Decimal("0.1")))


def _figure(view: str, name: str, signal: str, measure: str, cell: Cell[float] | Cell[int]) -> Row:
    return [view, name, signal, measure, cell.value, cell.size, "nej" if cell.hidden else "ja"]


def _signal_rows(figures: SignalFigures) -> list[Row]:
    name = figures.signal.name
    rows: list[Row] = [
        ["styrsignal", name, name, HOURS, _hours(figures.hours), None, "ja"],
        _figure("styrsignal", name, name, RATERS, figures.raters),
        _figure("styrsignal", name, name, VALUE, figures.mean_value),
        _figure("styrsignal", name, name, BURDEN, figures.mean_burden),
        _figure("styrsignal", name, name, KNOWING, figures.share_knowing),
        ["styrsignal", name, name, CANDIDATE, "ja" if figures.verdict.candidate else "nej", None, "ja"],
        ["styrsignal", name, name, TIME_THIEF, "ja" if figures.verdict.time_thief else "nej", None, "ja"],
    ]
    rows += _group_rows("nivå", name, figures.by_level)
    rows += _group_rows("aktörsgrupp", name, figures.by_actor_group)
    return rows


def _group_rows(view: str, signal: str, groups: tuple[GroupFigures, ...]) -> list[Row]:
    rows: list[Row] = []
    for group in groups:
        rows.append(_figure(view, group.name, signal, VALUE, group.mean_value))
        rows.append(_figure(view, group.name, signal, BURDEN, group.mean_burden))
    return rows


def _hours_rows(view: str, rows: tuple[HoursRow, ...]) -> list[Row]:
    return [[view, row.label, None, HOURS, _hours(row.hours), row.signals, "ja"] for row in rows]


def analysis_rows(publication: Publication) -> list[Row]:
    rows: list[Row] = [list(COLUMNS)]
    for figures in publication.signals:
        rows += _signal_rows(figures)
    hours = publication.hours
    rows += _hours_rows("slag", hours.by_kind)
    rows += _hours_rows("källa", hours.by_source)
    rows += _hours_rows("ägare", hours.by_owner)
    rows += _hours_rows("enhet", hours.by_unit)
    return rows


def analysis_csv(publication: Publication) -> bytes:
    return csv_bytes(analysis_rows(publication))


def analysis_xlsx(publication: Publication) -> bytes:
    return xlsx_bytes([("Analys", analysis_rows(publication))], header_rows=[1])


def filename(publication: Publication, extension: str) -> str:
    return f"styrsignaler-{slugify(publication.campaign.name) or 'kampanj'}.{extension}"
