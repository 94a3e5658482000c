"""`escmatrix serve`: webhooks in, through the same path as `escmatrix ingest`."""

from __future__ import annotations

from typing import Annotated, Any

import typer


def serve(
    ctx: typer.Context,
    listen: Annotated[
        str, typer.Option("--listen", help="HOST:PORT to listen on (behind a TLS proxy).")
    ] = "127.0.0.1:8787",
    threads: Annotated[int, typer.Option("--threads", min=1, max=64, help="Worker threads.")] = 4,
) -> None:
    """Accept alert, ticket and email payloads over HTTP: POST /ingest/<source>, authenticated
    by an HMAC secret per source (ESCMATRIX_HMAC_<SOURCE>) or a shared bearer token
    (ESCMATRIX_SERVE_TOKEN); bodies over 1 MiB are refused."""
    from escmatrix.app.clock import Clock
    from escmatrix.app.serve import Credentials, IngestApp
    from escmatrix.core.errors import Refused, UsageError
    from escmatrix.core.intake import MAX_PAYLOAD_BYTES
    from escmatrix.store.repository import find_root

    host, sep, port = listen.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) < 65536:
        raise UsageError(f"--listen {listen!r} is not HOST:PORT", hint="e.g. 127.0.0.1:8787")
    creds = Credentials.from_env()
    if not creds.any:
        raise Refused(
            "serve never runs without authentication: no token or HMAC secret is set",
            hint="set ESCMATRIX_SERVE_TOKEN, or ESCMATRIX_HMAC_<SOURCE> for signing sources",
        )
    options = ctx.find_root().obj
    root = find_root(options.repo)
    app = IngestApp(root, creds, lambda: Clock.from_option(options.now))
    server = make_server(app, host.strip("[]"), int(port), threads, MAX_PAYLOAD_BYTES)
    import sys

    sys.stdout.write(f"escmatrix serve: listening on http://{listen}/ingest/<source>\n")
    sys.stdout.flush()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def make_server(app: Any, host: str, port: int, threads: int, max_body: int) -> Any:
    """A waitress server (not yet running) with bounded bodies and headers."""
    from waitress.server import create_server

    return create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        max_request_body_size=max_body,
        max_request_header_size=64 * 1024,
        channel_timeout=30,
        ident="escmatrix",
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
