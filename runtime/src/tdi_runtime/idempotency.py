"""HTTP commands made safe to retry: the same Idempotency-Key gets the first answer again, not a second effect.

A POST carrying `Idempotency-Key` reserves the key (per caller) before it runs and stores its answer after;
a retry with the same request replays that answer (`Idempotent-Replayed: true`); the same key with another
request is refused (`IDEMPOTENCY_KEY_REUSED`), and a retry while the first is still running waits its turn
(`REQUEST_IN_PROGRESS`). A 5xx answer releases the key so the caller may try again. The answer is stored
just after the command's own transaction: a process killed in that instant leaves the key in progress.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

HEADER = "Idempotency-Key"


def _refusal(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)


def install_idempotency(app: FastAPI) -> None:
    @app.middleware("http")
    async def idempotent(request: Request, call_next: Any) -> Any:
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None:
            return await call_next(request)
        if not (0 < len(key) <= 128 and key.isprintable()):
            return _refusal(400, "INVALID_IDEMPOTENCY_KEY", "La clé d'idempotence doit faire 1 à 128 caractères.")
        body = await request.body()
        scope = hashlib.sha256(request.headers.get("authorization", "").encode()).hexdigest()[:32]
        digest = hashlib.sha256(b"\n".join([request.method.encode(), request.url.path.encode(), body])).hexdigest()
        pool = request.app.state.runtime.pool
        reserved = await pool.fetchval(
            "INSERT INTO http_requests (scope, key, digest) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1",
            scope,
            key,
            digest,
        )
        if not reserved:
            prior = await pool.fetchrow(
                "SELECT digest, status, body FROM http_requests WHERE scope = $1 AND key = $2", scope, key
            )
            if prior["digest"] != digest:
                return _refusal(
                    422, "IDEMPOTENCY_KEY_REUSED", "Cette clé d'idempotence a déjà servi pour une autre requête."
                )
            if prior["status"] is None:
                return _refusal(
                    409, "REQUEST_IN_PROGRESS", "Une requête avec cette clé d'idempotence est en cours de traitement."
                )
            return Response(
                prior["body"],
                status_code=prior["status"],
                media_type="application/json",
                headers={"Idempotent-Replayed": "true"},
            )
        response = await call_next(request)
        answer = b"".join([chunk async for chunk in response.body_iterator])
        if response.status_code >= 500:
            await pool.execute("DELETE FROM http_requests WHERE scope = $1 AND key = $2", scope, key)
        else:
            await pool.execute(
                "UPDATE http_requests SET status = $3, body = $4 WHERE scope = $1 AND key = $2",
                scope,
                key,
                response.status_code,
                answer,
            )
        return Response(answer, status_code=response.status_code, headers=dict(response.headers))
