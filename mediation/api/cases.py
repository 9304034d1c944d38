# (prefix, viewset) pairs registered by mediation.api.urls.
ROUTES = []
