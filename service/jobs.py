"""The words of background jobs, spelled once: an alignment's status and its mode.

`StrEnum`s, so they compare equal to, store as and serialise to the plain strings the API and the
database have always used.
"""

from __future__ import annotations

from enum import StrEnum


class JobStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def unfinished(self) -> bool:
        """Queued or running: the job's outcome is not known yet."""
        return self in (JobStatus.PENDING, JobStatus.RUNNING)


class AlignMode(StrEnum):
    COMPARABLE = "comparable"  # find the sentences that say the same thing; leave the rest
    PARALLEL = "parallel"  # translations of each other: every sentence, in order
