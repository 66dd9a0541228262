from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse


@login_required
def home(request):
    """Signed-in users land on the dashboard of their scope (a plain welcome page until it exists)."""
    try:
        return redirect(reverse("reports:dashboard"))
    except NoReverseMatch:
        return render(request, "home.html")


def favicon(request):
    """Pages that name no icon (the admin's) make browsers ask for /favicon.ico."""
    return redirect(static("favicon.svg"), permanent=True)
