"""The words of background jobs, spelled once: an alignment's status (its mode is
`alignment.modes.AlignMode`, re-exported here beside it).

`StrEnum`s, so they compare equal to, store as and serialise to the plain strings the API and the
database have always used.
"""

from __future__ import annotations

from enum import StrEnum

from alignment.modes import AlignMode

__all__ = ["AlignMode", "JobStatus"]


class JobStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def unfinished(self) -> bool:
        """Queued or running: the job's outcome is not known yet."""
        return self in (JobStatus.PENDING, JobStatus.RUNNING)
