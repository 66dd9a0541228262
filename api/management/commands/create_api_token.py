from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api.services import api_token_issue


class Command(BaseCommand):
    help = "Issue an API token for a user and print it (it is stored hashed and cannot be shown again)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=30, help="Days until the token expires (default 30).")
        parser.add_argument("--name", default="manage.py create_api_token", help="What the token is for.")

    def handle(self, *args, username, days, name, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        _token, raw = api_token_issue(user=user, name=name, days=days)
        self.stdout.write(raw)
