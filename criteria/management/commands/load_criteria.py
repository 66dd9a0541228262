"""Load the criteria sets shipped in criteria/data/ (idempotent; `--update` also overwrites edited rows)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from criteria.loader import CriteriaDataError, load_criteria


class Command(BaseCommand):
    help = "Load criteria sets, criteria, indicators and targets from criteria/data/*.json. Running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="Set files to load (default: every file in criteria/data/).")
        parser.add_argument(
            "--update", action="store_true", help="Overwrite rows that differ from the files (e.g. edited targets)."
        )

    def handle(self, *args, files, update, **options):
        try:
            summary = load_criteria([Path(f) for f in files] or None, update=update)
        except CriteriaDataError as exc:
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        self.stdout.write(f"Criteria: {summary}")
