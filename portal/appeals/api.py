"""The appeals' JSON API: the city register's webhook and the OpenAPI document describing it."""

import json
import logging

from flask import Blueprint, current_app, jsonify, request

from portal.appeals import register
from portal.core.db import db

logger = logging.getLogger(__name__)

api_bp = Blueprint("appeals_api", __name__, url_prefix="/api")

MAX_BODY = 64 * 1024


def webhook():
    body = request.get_data(cache=False)[: MAX_BODY + 1]
    if len(body) > MAX_BODY:
        return _refuse(413, "body too large")
    try:
        referral = register.receive_webhook(
            body,
            request.headers.get("X-Register-Timestamp", ""),
            request.headers.get("X-Register-Signature", ""),
        )
    except register.WebhookRefused as refused:
        db.session.rollback()
        return _refuse(refused.status, refused.message)
    db.session.commit()
    return jsonify(
        {"reference": register.reference_of(referral), "status": referral.status.value}
    ), 200


def _refuse(status, message):
    logger.warning(
        "register webhook refused (%s): %s from %s", status, message, request.remote_addr
    )
    return jsonify({"error": message}), status


def openapi():
    return current_app.response_class(
        json.dumps(openapi_document(), ensure_ascii=False, indent=1),
        mimetype="application/json",
    )


def openapi_document() -> dict:
    statuses = sorted(s.value for s in register.INCOMING_STATUSES)
    error = {"$ref": "#/components/schemas/Error"}

    def answer(text):
        return {"description": text, "content": {"application/json": {"schema": error}}}

    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Appeal register API",
            "version": "1.0.0",
            "description": "How a city register reports the status of appeal items the portal "
            "handed over, and the messages the portal sends it. See docs/appeals-api.md.",
        },
        "paths": {
            "/api/appeals/register/webhook": {
                "post": {
                    "operationId": "registerWebhook",
                    "summary": "The register reports a status change of an item.",
                    "parameters": [
                        {
                            "name": "X-Register-Timestamp",
                            "in": "header",
                            "required": True,
                            "schema": {"type": "string", "pattern": "^[0-9]{1,12}$"},
                            "description": "Unix seconds; refused when more than 300 s off.",
                        },
                        {
                            "name": "X-Register-Signature",
                            "in": "header",
                            "required": True,
                            "schema": {"type": "string"},
                            "description": "hex HMAC-SHA256 of timestamp + '.' + body "
                            "with the shared secret.",
                        },
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/StatusReport"}
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "Applied.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Applied"}
                                }
                            },
                        },
                        "400": answer("Malformed body or timestamp, or timestamp too old."),
                        "401": answer("Bad signature."),
                        "404": answer("Unknown reference, or no register configured."),
                        "409": answer("Replayed delivery, or a change the item cannot make."),
                        "413": answer("Body too large."),
                        "422": answer("A status the register may not report."),
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "StatusReport": {
                    "type": "object",
                    "required": ["delivery_id", "reference", "status"],
                    "properties": {
                        "delivery_id": {"type": "string", "maxLength": 80},
                        "reference": {"type": "string", "maxLength": 60},
                        "status": {"type": "string", "enum": statuses},
                        "note": {"type": "string"},
                        "result": {"type": "string"},
                    },
                },
                "Applied": {
                    "type": "object",
                    "required": ["reference", "status"],
                    "properties": {
                        "reference": {"type": "string"},
                        "status": {"type": "string"},
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string"}},
                },
                "OutgoingItem": {
                    "type": "object",
                    "description": "POSTed to the register with headers Idempotency-Key, "
                    "X-Register-Timestamp and X-Register-Signature.",
                    "required": ["reference", "portal_id", "summary", "status", "changed_at"],
                    "properties": {
                        "reference": {"type": "string"},
                        "portal_id": {"type": "integer"},
                        "summary": {"type": "string"},
                        "details": {"type": "string"},
                        "firm": {
                            "type": "object",
                            "properties": {
                                "name": {"type": "string"},
                                "uscc": {"type": "string"},
                            },
                        },
                        "channel": {"type": "string"},
                        "category": {"type": "string"},
                        "tier": {"type": "integer", "nullable": True},
                        "route": {"type": "string", "nullable": True},
                        "status": {"type": "string"},
                        "department": {"type": "string"},
                        "result": {"type": "string"},
                        "changed_at": {"type": "string", "format": "date-time"},
                    },
                },
            }
        },
    }


api_bp.add_url_rule("/openapi.json", "openapi", openapi)
api_bp.add_url_rule("/appeals/register/webhook", "webhook", webhook, methods=["POST"])
