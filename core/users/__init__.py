"""Users and roles administration: bureau admins create the users of their
jurisdiction, grant and end their roles, deactivate them and reset their passwords."""
