import json

import psycopg2

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from ..models.engine import UserFacingEngineError
from ..services import metrics


def _counted(route, response):
    """Count the response in ``l10n_cl_ai_http_requests_total`` (every worker's count shows in /metrics)."""
    metrics.PROCESSES.set(1)
    code = getattr(response, "status_code", None) or getattr(response, "code", 0)  # a response or NotFound
    metrics.HTTP_REQUESTS.labels(route=route, code=str(code)).inc()
    return response


def _json(payload, status=200, headers=None):
    return request.make_response(
        json.dumps(payload, ensure_ascii=False),
        headers=[("Content-Type", "application/json; charset=utf-8"), *(headers or {}).items()],
        status=status,
    )


class L10nClAiController(http.Controller):
    @http.route("/health", type="http", auth="none", methods=["GET"], save_session=False)
    def health(self):
        authorization = request.httprequest.headers.get("Authorization")
        try:
            status, report = request.env["l10n_cl_ai.health.metrics"].sudo()._health(authorization)
        except psycopg2.Error:
            return _counted("/health", _json({"status": "fail"}, status=503))  # PostgreSQL is down
        return _counted("/health", _json(report, status=status))

    @http.route("/metrics", type="http", auth="none", methods=["GET"], save_session=False)
    def metrics(self):
        monitoring = request.env["l10n_cl_ai.health.metrics"].sudo()
        authorized = monitoring._metrics_authorized(request.httprequest.headers.get("Authorization"))
        if authorized is None:
            return _counted("/metrics", request.not_found())
        if not authorized:
            return _counted(
                "/metrics",
                request.make_response("unauthorized\n", status=401, headers=[("WWW-Authenticate", "Bearer")]),
            )
        metrics.HTTP_REQUESTS.labels(route="/metrics", code="200").inc()  # counted in its own scrape
        metrics.PROCESSES.set(1)
        return request.make_response(
            monitoring._metrics_text(), headers=[("Content-Type", "text/plain; version=0.0.4; charset=utf-8")]
        )

    @http.route("/l10n_cl_ai/knowledge/search", type="http", auth="user", methods=["GET"])
    def knowledge_search(self, q="", corpus=None, top_k="3", plugin=None):
        try:
            documents = request.env["l10n_cl_ai.knowledge.document"]
            hits, headers = documents._search_http(q, corpus or plugin, top_k)  # plugin: the former name
        except UserFacingEngineError as error:
            return _json({"error": error.kind, "message": error.message}, status=429, headers=error.headers)
        except AccessError as error:
            return _json({"error": "forbidden", "message": str(error)}, status=403)
        except UserError as error:
            return _json({"error": "bad_request", "message": str(error)}, status=400)
        return _json({"results": hits}, headers=headers)
