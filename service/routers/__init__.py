"""HTTP routers, one per resource: they take checked requests, call a use case or the store, and
build the response from a schema."""
