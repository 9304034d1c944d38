"""Reading the dashboard in tests."""


def dashboard_items(response) -> dict[str, dict]:
    """The dashboard's items by key, waiting and overview alike."""
    assert response.status_code == 200
    board = response.context["dashboard"]
    return {item["key"]: item for item in board["waiting"] + board["overview"]}
