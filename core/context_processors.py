from .navigation import menu_for, unread_notifications


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {"menu": [], "unread_notifications": 0}
    return {"menu": menu_for(user, request.path), "unread_notifications": unread_notifications(user)}
