"""Batch jobs: many articles per request, briefed by worker processes through SAQ."""

from service.jobs.service import JobService

__all__ = ["JobService"]
