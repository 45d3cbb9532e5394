"""A Channels layer across processes on one machine, with no server: a small SQLite file.

Embedded Postventa runs HTTP under WSGI and the sockets under ASGI, in different processes; an
agent's reply posted over HTTP must reach the visitor's socket. With Redis that is
channels_redis; without it, this layer: messages and group memberships are rows in their own
SQLite file (WAL), and each ASGI process polls for the messages of its own channels every
`poll_interval` seconds (one query for all of them). Sends to channels of the same process skip
the file, so a chat between two sockets of one listener is as fast as the in-memory layer.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import sqlite3
import string
import threading
import time
from pathlib import Path

from channels.exceptions import ChannelFull
from channels.layers import BaseChannelLayer

SCHEMA = """
CREATE TABLE IF NOT EXISTS layer_message (
    id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, body TEXT NOT NULL, expires REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS layer_message_channel ON layer_message (channel, id);
CREATE TABLE IF NOT EXISTS layer_group (
    grp TEXT NOT NULL, channel TEXT NOT NULL, expires REAL NOT NULL, PRIMARY KEY (grp, channel)
);
"""


def _random(n: int = 12) -> str:
    return "".join(random.choices(string.ascii_letters + string.digits, k=n))  # noqa: S311 - names, not secrets


class SQLiteChannelLayer(BaseChannelLayer):
    extensions = ["groups", "flush"]

    def __init__(
        self, path: str | None = None, expiry: int = 60, group_expiry: int = 86400, capacity: int = 1000,
        poll_interval: float = 0.02, channel_capacity=None,
    ) -> None:  # fmt: skip
        super().__init__(expiry=expiry, capacity=capacity, channel_capacity=channel_capacity)
        if path is None:
            from django.conf import settings

            path = str(Path(settings.VAR_DIR) / "chat-layer.sqlite3")
        self.path = str(path)
        self.group_expiry = group_expiry
        self.poll_interval = poll_interval
        # Channels created here start with this prefix: the poller fetches them all at once.
        self.client_prefix = f"sqlite.{_random()}!"
        self._local = threading.local()
        self._queues: dict[str, asyncio.Queue] = {}
        self._poller: asyncio.Task | None = None
        self._poller_loop = None
        self._last_cleanup = 0.0
        self._init_lock = threading.Lock()
        self._ready = False

    # -- storage -------------------------------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA synchronous=NORMAL")
            with self._init_lock:
                if not self._ready:
                    self._init_file(conn)
                    self._ready = True
            self._local.conn = conn
        return conn

    @staticmethod
    def _init_file(conn: sqlite3.Connection) -> None:
        # Two processes creating the file at once: switching to WAL can fail with "locked" without
        # waiting on the busy timeout, so retry for a moment. WAL then stays set on the file.
        for attempt in range(100):
            try:
                if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    conn.execute("PRAGMA journal_mode=WAL")
                conn.executescript(SCHEMA)
                return
            except sqlite3.OperationalError:
                if attempt == 99:
                    raise
                time.sleep(0.02)

    def _insert(self, rows: list[tuple[str, str]]) -> None:
        expires = time.time() + self.expiry
        db = self._db()
        db.executemany(
            "INSERT INTO layer_message (channel, body, expires) VALUES (?, ?, ?)",
            [(channel, body, expires) for channel, body in rows],
        )

    def _members(self, group: str) -> list[str]:
        rows = (
            self._db()
            .execute("SELECT channel FROM layer_group WHERE grp = ? AND expires > ?", (group, time.time()))
            .fetchall()
        )
        return [r[0] for r in rows]

    def _take_prefixed(self) -> list[tuple[str, dict]]:
        db = self._db()
        now = time.time()
        prefix = self.client_prefix
        rows = db.execute(
            "SELECT id, channel, body, expires FROM layer_message WHERE channel >= ? AND channel < ? ORDER BY id",
            (prefix, prefix + "\uffff"),
        ).fetchall()
        if rows:
            db.execute(
                f"DELETE FROM layer_message WHERE id IN ({','.join('?' * len(rows))})",  # noqa: S608 - placeholders only
                [r[0] for r in rows],
            )
        if now - self._last_cleanup > 30:
            self._last_cleanup = now
            db.execute("DELETE FROM layer_message WHERE expires < ?", (now,))
            db.execute("DELETE FROM layer_group WHERE expires < ?", (now,))
        return [(r[1], json.loads(r[2])) for r in rows if r[3] >= now]

    def _take_one(self, channel: str) -> dict | None:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute(
                "SELECT id, body FROM layer_message WHERE channel = ? AND expires >= ? ORDER BY id LIMIT 1",
                (channel, time.time()),
            ).fetchone()
            if row:
                db.execute("DELETE FROM layer_message WHERE id = ?", (row[0],))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return json.loads(row[1]) if row else None

    # -- the layer API ---------------------------------------------------------------------------

    def _is_local(self, channel: str) -> bool:
        return channel.startswith(self.client_prefix)

    def _queue(self, channel: str) -> asyncio.Queue:
        queue = self._queues.get(channel)
        if queue is None:
            queue = self._queues[channel] = asyncio.Queue(maxsize=self.get_capacity(channel))
        return queue

    def _deliver_local(self, channel: str, message: dict) -> None:
        queue = self._queues.get(channel)
        if queue is None:
            return  # nobody is listening any more (the socket closed)
        try:
            queue.put_nowait(message)
        except asyncio.QueueFull:
            raise ChannelFull(channel) from None

    def _local_ok(self) -> bool:
        # Local delivery needs the poller's loop: the running one (ASGI), not a sync_to_async call.
        try:
            return asyncio.get_running_loop() is self._poller_loop
        except RuntimeError:
            return False

    async def send(self, channel: str, message: dict) -> None:
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_channel_name(channel)
        body = json.dumps(message)
        if self._is_local(channel) and self._local_ok():
            self._deliver_local(channel, json.loads(body))
            return
        await asyncio.to_thread(self._insert, [(channel, body)])

    async def receive(self, channel: str) -> dict:
        self.require_valid_channel_name(channel)
        if not self._is_local(channel):
            while True:
                message = await asyncio.to_thread(self._take_one, channel)
                if message is not None:
                    return message
                await asyncio.sleep(self.poll_interval)
        self._ensure_poller()
        return await self._queue(channel).get()

    async def new_channel(self, prefix: str = "specific") -> str:
        channel = f"{self.client_prefix}{prefix}.{_random()}"
        self._ensure_poller()
        self._queue(channel)
        return channel

    def _ensure_poller(self) -> None:
        loop = asyncio.get_running_loop()
        if self._poller is None or self._poller.done() or self._poller_loop is not loop:
            self._poller_loop = loop
            self._queues = {}
            self._poller = loop.create_task(self._poll())

    async def _poll(self) -> None:
        while True:
            try:
                rows = await asyncio.to_thread(self._take_prefixed) if self._queues else []
            except sqlite3.Error:
                rows = []  # a locked file for a moment: try again on the next tick
            for channel, message in rows:
                with contextlib.suppress(ChannelFull):
                    self._deliver_local(channel, message)
            await asyncio.sleep(self.poll_interval)

    async def group_add(self, group: str, channel: str) -> None:
        self.require_valid_group_name(group)
        self.require_valid_channel_name(channel)

        def add():
            self._db().execute(
                "INSERT OR REPLACE INTO layer_group (grp, channel, expires) VALUES (?, ?, ?)",
                (group, channel, time.time() + self.group_expiry),
            )

        await asyncio.to_thread(add)

    async def group_discard(self, group: str, channel: str) -> None:
        self.require_valid_group_name(group)

        def discard():
            self._db().execute("DELETE FROM layer_group WHERE grp = ? AND channel = ?", (group, channel))

        await asyncio.to_thread(discard)

    async def group_send(self, group: str, message: dict) -> None:
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_group_name(group)
        members = await asyncio.to_thread(self._members, group)
        body = json.dumps(message)
        remote = []
        local_ok = self._local_ok()
        for channel in members:
            if local_ok and self._is_local(channel):
                # Group sends drop on a full channel, like the other layers.
                with contextlib.suppress(ChannelFull):
                    self._deliver_local(channel, json.loads(body))
            else:
                remote.append((channel, body))
        if remote:
            await asyncio.to_thread(self._insert, remote)

    def forget(self, channel: str) -> None:
        """Drop a closed socket's local queue (called from the consumer's disconnect)."""
        self._queues.pop(channel, None)

    async def flush(self) -> None:
        def wipe():
            db = self._db()
            db.execute("DELETE FROM layer_message")
            db.execute("DELETE FROM layer_group")

        self._queues = {}
        await asyncio.to_thread(wipe)

    async def close(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            self._poller = None
