"""Everything HTTP: the REST query endpoint, and (with the chat app) the data layer, auth and admin pages."""
