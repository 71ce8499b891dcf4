"""Slow clients for `serving.py`, run as a process of its own until it is stopped:

    python bench/serving_slow.py HOST PORT CLIENTS [--interval 2] [--path /static/...]

Half the clients (rounded up) are slowloris: each opens a connection, sends a request line and then one
byte of a header every `--interval` seconds, never finishing its headers. The others read slowly: each
asks for `--path` (a big static file) with a 4 KB receive buffer and reads 64 bytes every `--interval`
seconds. A client whose connection the server closes opens a new one. On SIGTERM it prints one JSON
line: connections opened, and how many the server closed.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import signal
import socket

COUNTS = {"opened": 0, "closed_by_server": 0, "refused": 0}


async def _connect(host: str, port: int, receive_buffer: int | None) -> tuple:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if receive_buffer:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, (host, port))
    COUNTS["opened"] += 1
    return await asyncio.open_connection(sock=sock, limit=1024)


async def slowloris(host: str, port: int, n: int, interval: float) -> None:
    while True:
        try:
            reader, writer = await _connect(host, port, None)
            writer.write(f"GET /?slow={n} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: slow\r\n".encode())
            await writer.drain()
            while True:
                writer.write(b"X")  # a header that never ends
                await writer.drain()
                try:
                    if await asyncio.wait_for(reader.read(1), interval) == b"":
                        break  # the server hung up
                    break  # it answered (408 or 400): start again
                except TimeoutError:
                    continue
            COUNTS["closed_by_server"] += 1
            writer.close()
        except OSError:
            COUNTS["refused"] += 1
            await asyncio.sleep(interval)


async def slow_reader(host: str, port: int, path: str, interval: float) -> None:
    while True:
        try:
            reader, writer = await _connect(host, port, 4096)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: slow\r\n\r\n".encode())
            await writer.drain()
            while await reader.read(64):
                await asyncio.sleep(interval)
            COUNTS["closed_by_server"] += 1
            writer.close()
        except OSError:
            COUNTS["refused"] += 1
            await asyncio.sleep(interval)


async def main(args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    lorises = (args.clients + 1) // 2
    tasks = [asyncio.create_task(slowloris(args.host, args.port, n, args.interval)) for n in range(lorises)]
    tasks += [asyncio.create_task(slow_reader(args.host, args.port, args.path, args.interval))
              for _ in range(args.clients - lorises)]
    await stop.wait()
    print(json.dumps(COUNTS), flush=True)
    for task in tasks:
        task.cancel()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("clients", type=int)
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--path", default="/static/vendor/swagger-ui/swagger-ui-bundle.js")
    asyncio.run(main(parser.parse_args()))
