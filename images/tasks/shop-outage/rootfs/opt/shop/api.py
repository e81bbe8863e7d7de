#!/usr/bin/env python3
"""The shop's API: GET /orders and GET /health, answering from PostgreSQL (see /etc/shop/api.env)."""
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg2

DATABASE_URL = os.environ["DATABASE_URL"]
HOST, PORT = os.environ.get("LISTEN", "127.0.0.1:8080").rsplit(":", 1)


def log(message):
    print(time.strftime("%Y-%m-%d %H:%M:%S"), message, file=sys.stderr, flush=True)


def query(sql):
    with psycopg2.connect(DATABASE_URL, connect_timeout=3) as connection, connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


class Api(BaseHTTPRequestHandler):
    def do_GET(self):
        try:
            if self.path == "/health":
                [(user, version)] = query("SELECT current_user, version()")
                self.answer(200, {"ok": True, "db_user": user, "db": version.split(",")[0]})
            elif self.path in ("/", "/orders"):
                rows = query("SELECT id, customer, total::text, status FROM orders ORDER BY id")
                self.answer(200, {"count": len(rows), "orders": [dict(zip(("id", "customer", "total", "status"), r)) for r in rows]})
            else:
                self.answer(404, {"error": "not found"})
        except psycopg2.Error as error:
            log(f"database error on {self.path}: {str(error).strip()}")
            self.answer(500, {"error": "database unavailable"})

    def answer(self, status, body):
        data = (json.dumps(body) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        log(f"{self.address_string()} {format % args}")


if __name__ == "__main__":
    log(f"shop-api listening on {HOST}:{PORT}")
    ThreadingHTTPServer((HOST, int(PORT)), Api).serve_forever()
