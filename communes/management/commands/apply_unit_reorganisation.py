"""Apply a reorganisation of one province: compare two snapshots and end, create and link units."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from communes import services
from communes.management import report as printing


class Command(BaseCommand):
    help = (
        "Compare two snapshots of the same province (e.g. communes/data/thai_nguyen_2023.json and "
        "thai_nguyen_2024.json, effective 2024-12-01) and apply the change on the effective date: ended units get "
        "valid_to, new units valid_from, and the successions of the resolution's mapping (imported for the province, "
        "else shipped) are recorded. Refused when a new unit has no predecessors in the mapping. Idempotent; writes "
        "nothing on any error."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="from_file", required=True, metavar="FILE", help="Snapshot before.")
        parser.add_argument("--to", dest="to_file", required=True, metavar="FILE", help="Snapshot after.")
        parser.add_argument("--effective-date", required=True, metavar="YYYY-MM-DD")
        parser.add_argument(
            "--legal-basis", default="", metavar="TEXT", help="Kept on successions whose mapping names no resolution."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and report; write nothing.")

    def handle(self, *args, **options):
        effective_date = printing.parse_date(options["effective_date"])
        try:
            old = services.snapshot_read(Path(options["from_file"]))
            new = services.snapshot_read(Path(options["to_file"]))
        except services.AdminUnitDataError as exc:
            raise CommandError(_("Nothing was written.") + "\n" + str(exc)) from exc
        report, seconds = printing.run(
            services.unit_reorganisation_apply,
            old=old,
            new=new,
            effective_date=effective_date,
            legal_basis=options["legal_basis"],
            dry_run=options["dry_run"],
        )
        printing.write(report, seconds, self)
