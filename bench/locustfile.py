"""Simulated dashboard users for `python -m bench.load` (locust). Each user holds its own logged-in
session (made by bench/load.py and passed in BENCH_SESSIONS) and browses like a person: a page, a
pause, another page. The X-Forwarded-Proto header stands in for the TLS proxy of production."""

import os
import random

from locust import HttpUser, between, task

SESSIONS = [entry.split(":") for entry in os.environ["BENCH_SESSIONS"].split(",")]  # role:session key
CITIES = os.environ.get("BENCH_CITIES", "61.72").split(",")
PROVINCES = sorted({code[:2] for code in CITIES})
_next = iter(range(len(SESSIONS) * 1000))


class DashboardUser(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.role, key = SESSIONS[next(_next) % len(SESSIONS)]
        self.headers = {"Cookie": f"sessionid={key}", "X-Forwarded-Proto": "https"}

    def get(self, url, name):
        with self.client.get(url, headers=self.headers, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")

    @task(3)
    def city(self):
        code = "61.72" if self.role == "official" else random.choice(CITIES)  # noqa: S311
        self.get(f"/cities/{code}/", "/cities/<code>/")

    @task(2)
    def ucj(self):
        if self.role == "official":
            self.get("/ucj/", "/ucj/ (own city)")
        else:
            self.get(f"/ucj/?province={random.choice(PROVINCES)}", "/ucj/?province=")  # noqa: S311

    @task(1)
    def ucj_national(self):
        if self.role != "official":
            self.get("/ucj/", "/ucj/ (514 cities)")

    @task(2)
    def bsu(self):
        self.get("/bsu/", "/bsu/")

    @task(1)
    def export(self):
        self.get("/ucj/?_export=csv", "/ucj/?_export=csv")
