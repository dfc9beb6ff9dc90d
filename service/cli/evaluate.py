"""`bitext evaluate`: placeholder until its issue lands."""


def register(subparsers) -> None:
    """Filled in by the owning work stream."""
