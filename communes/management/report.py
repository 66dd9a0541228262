"""Printing a LoadReport for the unit commands (load_admin_units, apply_unit_reorganisation)."""

import datetime
import time

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from communes.choices import UnitLevel
from communes.services import AdminUnitDataError, LoadReport


def parse_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(_("'{value}' is not a date (YYYY-MM-DD).").format(value=value)) from exc


def run(service, /, **kwargs) -> tuple[LoadReport, float]:
    """Call the service; data errors become a CommandError that names every bad record."""
    started = time.perf_counter()
    try:
        report = service(**kwargs)
    except AdminUnitDataError as exc:
        raise CommandError(_("Nothing was written.") + "\n" + str(exc)) from exc
    return report, time.perf_counter() - started


def write(report: LoadReport, seconds: float, cmd) -> None:
    out, style = cmd.stdout, cmd.style
    out.write(_("Source: {source}").format(source=report.source))
    labels = {
        UnitLevel.PROVINCE: _("Provinces"),
        UnitLevel.DISTRICT: _("Districts"),
        UnitLevel.COMMUNE: _("Communes"),
    }
    for level, label in labels.items():
        c = report.counts[level]
        out.write(
            _("{label}: {created} created, {updated} updated, {unchanged} unchanged, {retired} retired").format(
                label=label, created=c.created, updated=c.updated, unchanged=c.unchanged, retired=c.retired
            )
        )
    _section(
        out,
        _("Ended on {day} (valid_to set):").format(day=report.effective_date),
        report.retired,
    )
    _section(
        out,
        _("Current in the database but absent from the list (not retired; use --retire-missing --effective-date):"),
        report.missing,
        style.WARNING,
    )
    _section(out, _("Successions recorded:"), report.successions)
    _section(
        out,
        _("Successor unknown — record it in the admin (Unit successions):"),
        report.successor_unknown,
        style.WARNING,
    )
    _section(
        out,
        _("Predecessors not in the database (load their province with load_admin_units --with-history):"),
        report.predecessors_missing,
    )
    if not report.dry_run and (report.successions_created or any(report.history_created.values())):
        from communes import registry

        for follow in registry.reorganised:
            _section(
                out,
                _(
                    "Recognitions across the mergers (+ proposed, = confirmed, - none), to confirm on the page "
                    '"Recognitions by merger":'
                ),
                follow(report.effective_date if report.successions_created and report.effective_date else None),
            )
    history = report.history_created
    if any(history.values()):
        out.write(
            _(
                "Former units created as history: {provinces} provinces, {districts} districts, {communes} communes."
            ).format(
                provinces=history[UnitLevel.PROVINCE],
                districts=history[UnitLevel.DISTRICT],
                communes=history[UnitLevel.COMMUNE],
            )
        )
    if report.dry_run:
        out.write(style.WARNING(_("Dry run: nothing was written.")))
    elif not report.changed_anything:
        out.write(style.SUCCESS(_("Nothing to change.")))
    out.write(_("Done in {seconds:.2f} s.").format(seconds=seconds))


def _section(out, title: str, lines: list[str], style=None) -> None:
    if not lines:
        return
    out.write(style(title) if style else title)
    for line in lines:
        out.write("  " + line)
