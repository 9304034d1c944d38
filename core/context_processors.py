def jurisdiction(request):
    return {
        "active_role": getattr(request, "active_role", None),
        "user_roles": getattr(request, "roles", []),
    }
