# (prefix, viewset) pairs registered by registry.api.urls.
ROUTES = []
