"""Periodic chat jobs: end the sessions of visitors who left."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from postventa.messaging.chat import services


@db_periodic_task(crontab(minute="*"))
def end_idle_chat_sessions() -> int:
    return services.end_idle_sessions()
