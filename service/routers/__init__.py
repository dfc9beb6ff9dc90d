"""HTTP routers, one per resource; they validate, call the pipeline/services and shape responses."""
