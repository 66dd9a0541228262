"""Load the current official list of provinces and communes (vietnam-provinces), or a snapshot file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from communes import services
from communes.management import report as printing


class Command(BaseCommand):
    help = (
        "Load the current official provinces and communes from the installed vietnam-provinces package (codes "
        "corrected to Official letter 1027/CTK-CSCL), or a snapshot file. Works on top of any earlier load: former "
        "units the shipped history knows end on the dates of the resolutions, with their successions. Idempotent; "
        "checks everything before writing; writes nothing on any error."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", metavar="CODE", help="Load only this province (official code, e.g. 19).")
        parser.add_argument(
            "--file",
            metavar="PATH",
            help="A snapshot in the normalised format of communes/data/thai_nguyen_2023.json instead of the package.",
        )
        parser.add_argument(
            "--retire-missing",
            action="store_true",
            help="End (valid_to) current units of the loaded provinces that the list no longer names.",
        )
        parser.add_argument(
            "--effective-date",
            metavar="YYYY-MM-DD",
            help="Date the retirements take effect; also the valid_from of units created by this load.",
        )
        parser.add_argument(
            "--with-history",
            action="store_true",
            help=(
                "Also create the units before the July 2025 reform of the loaded provinces (63 provinces, their "
                "districts and 10,047 communes, valid until 2025-07-01) with their successions from the resolutions."
            ),
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and report; write nothing.")

    def handle(self, *args, **options):
        effective_date = printing.parse_date(options["effective_date"]) if options["effective_date"] else None
        if options["retire_missing"] and effective_date is None:
            raise CommandError(_("--retire-missing needs --effective-date YYYY-MM-DD."))
        try:
            snapshot = services.snapshot_read(Path(options["file"])) if options["file"] else None
        except services.AdminUnitDataError as exc:
            raise CommandError(_("Nothing was written.") + "\n" + str(exc)) from exc
        report, seconds = printing.run(
            services.admin_units_load,
            snapshot=snapshot,
            province_code=options["province"],
            retire_missing=options["retire_missing"],
            effective_date=effective_date,
            with_history=options["with_history"],
            dry_run=options["dry_run"],
        )
        printing.write(report, seconds, self)
