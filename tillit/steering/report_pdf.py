"""An owner's dossier for lärande tillsyn as PDF (`dossier.OwnerDossier`): the same signals, figures, comments and
escalated tidstjuvar as the owner's page and CSV. Hidden figures print as "–"; hours are labelled as estimates.
The writing itself is `tillit.reports.pdf`'s."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.privacy.suppression import Hidden
from tillit.reports.pdf import ACCENT, DASH, LINE, MUTED, Column, ReportWriter, cell_figure, figure, long_date
from tillit.steering import burden
from tillit.steering.dossier import DossierSignal, OwnerDossier

__all__ = ["dossier_pdf"]


def _hours(signal: DossierSignal) -> str:
    shown = burden.display(signal.hours)
    text = figure(float(shown.hours), 1)
    return _("under %(hours)s") % {"hours": text} if shown.below_step else text


def dossier_pdf(dossier: OwnerDossier, *, compress: bool = True) -> bytes:
    """The dossier; `compress=False` leaves the text searchable for tests."""
    title = _("Learning supervision: %(owner)s") % {"owner": dossier.owner}
    report = ReportWriter(
        title=title, subject=_("Steering signals escalated to an owner"), author=dossier.organisation, compress=compress
    )
    report.font(10, "B", ACCENT)
    report.pdf.cell(0, LINE, _("Steering signals: learning supervision").upper(), new_x="LMARGIN", new_y="NEXT")
    report.pdf.ln(1)
    report.font(20, "B")
    report.pdf.multi_cell(0, 9, dossier.owner, align="L", new_x="LMARGIN", new_y="NEXT")
    report.pdf.ln(3)
    report.facts(
        [
            (_("Organisation"), dossier.organisation),
            (_("Ratings from the campaign"), dossier.campaign or _("No sealed campaign")),
            (_("Anonymity threshold"), str(dossier.k) if dossier.k is not None else "–"),
            (_("Report created"), long_date(timezone.localdate())),
        ]
    )
    report.paragraph(
        _(
            "What the organisation has escalated to the owner, and the owner's signals that the people who carry "
            "them rated as candidates to remove or simplify: the basis for a dialogue about what helps the "
            "meeting with the service user. Hours a year are estimates (the Standard Cost Model: minutes × times "
            "a year × people)."
        )
    )
    report.heading(_("Steering signals"))
    if not dossier.signals:
        report.paragraph(_("No steering signal is escalated to this owner."), color=MUTED)
    else:
        report.table(
            [
                Column(_("Steering signal"), 34),
                Column(_("Hours a year (estimate)"), 13, "RIGHT"),
                Column(_("Raters"), 10, "RIGHT"),
                Column(_("Value (1–5)"), 11, "RIGHT"),
                Column(_("Burden (1–5)"), 11, "RIGHT"),
                Column(_("Know who uses the data"), 13, "RIGHT"),
            ],
            [
                [
                    signal.name,
                    _hours(signal),
                    cell_figure(signal.raters, 0),
                    cell_figure(signal.mean_value, 1),
                    cell_figure(signal.mean_burden, 1),
                    _share(signal),
                ]
                for signal in dossier.signals
            ],
            caption=_("Escalated signals and candidates, with the ratings of the latest sealed campaign"),
        )
        for signal in dossier.signals:
            if isinstance(signal.comments, Hidden):
                continue
            if signal.comments:
                report.heading(_("Comments on “%(name)s”") % {"name": signal.name}, level=2)
                report.bullets(list(signal.comments), size=9)
    report.heading(_("Escalated time thieves"))
    if not dossier.thieves:
        report.paragraph(_("No time thief is escalated to this owner."), color=MUTED)
    else:
        report.table(
            [
                Column(_("Time thief"), 30),
                Column(_("Why it does not help"), 40),
                Column(_("Route"), 16),
                Column(_("Escalated"), 14),
            ],
            [
                [
                    thief.title + (f" ({thief.signal_name})" if thief.signal_name else ""),
                    thief.description or "–",
                    thief.route,
                    long_date(thief.escalated_on) if thief.escalated_on else "–",
                ]
                for thief in dossier.thieves
            ],
            caption=_("Reported by members, anonymously or not: who reported is never part of this report"),
        )
    report.paragraph(
        _(
            "Ratings are anonymous and shown only for groups of at least the anonymity threshold; a hidden figure "
            "prints as “–”. Comments are shown only where enough people rated the signal."
        ),
        color=MUTED,
    )
    return report.output()


def _share(signal: DossierSignal) -> str:
    share = signal.share_knowing.value if signal.share_knowing is not None else None
    if not isinstance(share, (int, float)):
        return DASH
    return f"{figure(share * 100, 0)} %"
