"""The demo's last step: the stored standings, from everything the other loaders wrote (some in bulk, which sends
no signals)."""

from django.utils.translation import gettext

from .standings import standings_rebuild


def load(stdout) -> None:
    rows = standings_rebuild()
    stdout.write(gettext("Standings: {rows} commune-years.").format(rows=rows))
