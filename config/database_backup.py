"""Backups of the configured database: SQLite through its online backup API (safe while the web
process and the worker write), PostgreSQL through pg_dump / pg_restore (custom format)."""

import os
import sqlite3
import subprocess

from django.db import connection


def _pg_arguments():
    db = connection.settings_dict
    args = ["--no-owner", "--dbname", db["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [option, str(db[key])]
    env = {**os.environ, **({"PGPASSWORD": db["PASSWORD"]} if db.get("PASSWORD") else {})}
    return args, env


def backup(path):
    """Writes a consistent copy of the whole database to `path`."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
        target.close()
        return
    args, env = _pg_arguments()
    subprocess.run(["pg_dump", "--format=custom", "--file", str(path), *args], check=True, env=env)


def restore(path):
    """Replaces the database's contents with the backup at `path`."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as source:
            source.backup(connection.connection)
        source.close()
        return
    connection.close()  # pg_restore --clean drops and recreates every table
    args, env = _pg_arguments()
    subprocess.run(["pg_restore", "--clean", "--if-exists", "--single-transaction", *args, str(path)], check=True, env=env)
