"""Recompute every commune's standing from the records (register.standings). Safe to run at any time."""

import time

from django.core.management.base import BaseCommand

from register.standings import standings_rebuild


class Command(BaseCommand):
    help = "Recompute the stored standings of every commune and year from the register, scorecards and units."

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = standings_rebuild()
        self.stdout.write(f"{rows} standings written in {time.perf_counter() - started:.1f} s.")
