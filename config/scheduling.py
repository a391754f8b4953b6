"""Recurring background tasks. django-tasks has no scheduler: such a task queues its own successor first
(so a failure or a dead worker leaves the chain going), and the figures refresh that every import queues
makes sure one of each is waiting."""

from django.db import connection, transaction
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult


@transaction.atomic
def schedule_once(task, run_after, *args):
    """Queues `task` to run after `run_after` unless one is already waiting (database backend only). On
    PostgreSQL the check and the queueing hold a lock of the task's name: two refreshes finishing at once
    queue one."""
    if not isinstance(task.get_backend(), DatabaseBackend):
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [task.module_path])
    if DBTaskResult.objects.filter(task_path=task.module_path, status=TaskResultStatus.READY).exists():
        return
    task.using(run_after=run_after).enqueue(*args)
