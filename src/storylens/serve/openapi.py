"""The OpenAPI 3.1 description of the JSON API (served at /api/openapi.json).

The story resource is the report contract: its schema is the report's own JSON
Schema (from the records), moved under ``components/schemas``.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from storylens.report import report_schema

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {"status": {"type": "integer"}, "code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}
STORY_ROW = {
    "type": "object",
    "required": ["id", "title", "analysed", "n_articles"],
    "properties": {
        "id": {"type": "string"}, "title": {"type": "string"}, "analysed": {"type": "boolean"},
        "n_articles": {"type": "integer"}, "n_outlets": {"type": ["integer", "null"]},
        "outlets": {"type": "array", "items": {"type": "string"}},
        "first_day": {"type": ["string", "null"]}, "last_day": {"type": ["string", "null"]},
        "n_facts": {"type": ["integer", "null"]}, "n_corroborated": {"type": ["integer", "null"]},
        "n_disputed": {"type": ["integer", "null"]}, "n_conflicting": {"type": ["integer", "null"]},
        "snippet": {"type": ["string", "null"]},
    },
}
JOB = {
    "type": "object",
    "required": ["id", "state"],
    "properties": {
        "id": {"type": "string"},
        "state": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
        "stage": {"type": "string"}, "done": {"type": "integer"}, "total": {"type": ["integer", "null"]},
        "articles": {"type": "integer"}, "new": {"type": "integer"}, "stories": {"type": "integer"},
        "errors": {"type": "array", "items": {"type": "string"}},
    },
}
LIST_PARAMS = [
    {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "Full-text search (titles, facts, article text)."},
    {"name": "outlet", "in": "query", "schema": {"type": "string"}},
    {"name": "since", "in": "query", "schema": {"type": "string", "format": "date"}},
    {"name": "until", "in": "query", "schema": {"type": "string", "format": "date"}},
    {"name": "disputed", "in": "query", "schema": {"type": "string", "enum": ["1", "0"]}},
    {"name": "conflicting", "in": "query", "schema": {"type": "string", "enum": ["1", "0"]}},
    {"name": "min_articles", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 100000}},
    {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["newest", "size"]}},
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100000}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
]


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    names = {400: "Bad request", 403: "CSRF token missing or wrong", 404: "Not found",
             413: "Request too large", 415: "Unsupported media type"}
    return {str(c): _json({"$ref": "#/components/schemas/Error"}, names[c]) for c in codes}


def _path_param(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _moved_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: (v.replace("#/$defs/", "#/components/schemas/") if k == "$ref" and isinstance(v, str) else _moved_refs(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_moved_refs(v) for v in node]
    return node


@cache
def _document() -> dict:
    report = copy.deepcopy(report_schema())
    defs = report.pop("$defs", {})
    for key in ("$schema", "$id"):
        report.pop(key, None)
    schemas = {name: _moved_refs(schema) for name, schema in defs.items()}
    schemas["Report"] = _moved_refs(report)
    schemas.update({"Error": ERROR, "StoryRow": STORY_ROW, "Job": JOB})
    csrf = [{"csrfHeader": [], "csrfCookie": []}]
    ingest_form = {
        "type": "object",
        "properties": {
            "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
            "text": {"type": "string"}, "outlet": {"type": "string"}, "published": {"type": "string"},
            "title": {"type": "string"}, "urls": {"type": "string", "description": "URLs, one per line"},
            "csrf": {"type": "string"},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "storylens", "version": "1",
                 "description": "Stories, facts and articles of a storylens store. State-changing requests "
                                "need the CSRF token (GET /api/csrf) in the X-CSRF-Token header or a csrf "
                                "form field, and the storylens_csrf cookie."},
        "paths": {
            "/api/stories": {"get": {"summary": "Stories, newest first, filtered and paginated",
                                     "operationId": "listStories", "parameters": LIST_PARAMS,
                                     "responses": {"200": _json({"type": "object", "required": ["stories", "total"], "properties": {
                                         "stories": {"type": "array", "items": {"$ref": "#/components/schemas/StoryRow"}},
                                         "total": {"type": "integer"}, "page": {"type": "integer"}}}), **_errors(400)}}},
            "/api/search": {"get": {"summary": "Full-text search over titles, facts and article text (SQLite FTS5)",
                                    "operationId": "search",
                                    "parameters": [{**LIST_PARAMS[0], "required": True}, *LIST_PARAMS[1:]],
                                    "responses": {"200": _json({"type": "object", "required": ["results", "total"], "properties": {
                                        "q": {"type": "string"},
                                        "results": {"type": "array", "items": {"$ref": "#/components/schemas/StoryRow"}},
                                        "total": {"type": "integer"}}}), **_errors(400)}}},
            "/api/stories/{story_id}": {"get": {"summary": "One story as the report contract (storylens.report/1)",
                                                "operationId": "getStory", "parameters": [_path_param("story_id")],
                                                "responses": {"200": _json({"$ref": "#/components/schemas/Report"}), **_errors(404)}}},
            "/api/stories/{story_id}/side-by-side": {"get": {
                "summary": "Articles in columns, each cut into pieces marked with their fact and status",
                "operationId": "sideBySide",
                "parameters": [_path_param("story_id"), {"name": "a", "in": "query", "schema": {"type": "array", "items": {"type": "string"}},
                                                          "style": "form", "explode": True}],
                "responses": {"200": _json({"type": "object"}), **_errors(404)}}},
            "/api/stories/{story_id}/outlets/{outlet}": {"get": {
                "summary": "What one outlet says in a story: facts, exclusives, omissions, wording",
                "operationId": "getOutlet", "parameters": [_path_param("story_id"), _path_param("outlet")],
                "responses": {"200": _json({"type": "object"}), **_errors(404)}}},
            "/api/stories/{story_id}/entities": {"get": {
                "summary": "The people, organisations and places of a story", "operationId": "listEntities",
                "parameters": [_path_param("story_id")],
                "responses": {"200": _json({"type": "object"}), **_errors(404)}}},
            "/api/stories/{story_id}/entities/{name}": {"get": {
                "summary": "One entity of a story: mentions per outlet, quotes, facts", "operationId": "getEntity",
                "parameters": [_path_param("story_id"), _path_param("name")],
                "responses": {"200": _json({"type": "object"}), **_errors(404)}}},
            "/api/facts/{fact_id}": {"get": {"summary": "One fact with its claims and conflicts", "operationId": "getFact",
                                             "parameters": [_path_param("fact_id")],
                                             "responses": {"200": _json({"type": "object", "required": ["fact", "story_id"], "properties": {
                                                 "story_id": {"type": "string"}, "story_title": {"type": "string"},
                                                 "fact": {"$ref": "#/components/schemas/Fact"}}}), **_errors(404)}}},
            "/api/articles/{article_id}": {"get": {"summary": "One cleaned article with its removed lines and story",
                                                   "operationId": "getArticle", "parameters": [_path_param("article_id")],
                                                   "responses": {"200": _json({"type": "object", "required": ["article"], "properties": {
                                                       "article": {"$ref": "#/components/schemas/Article"},
                                                       "story_id": {"type": ["string", "null"]}}}), **_errors(404)}}},
            "/api/ingest": {"post": {"summary": "Add articles (files, pasted text, URLs); analysis runs as a background job",
                                     "operationId": "ingest", "security": csrf,
                                     "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": ingest_form}}},
                                     "responses": {"202": _json({"$ref": "#/components/schemas/Job"}, "Accepted: the job"),
                                                   **_errors(400, 403, 413, 415)}}},
            "/api/jobs/{job_id}": {"get": {"summary": "A job's progress and per-input errors", "operationId": "getJob",
                                           "parameters": [_path_param("job_id")],
                                           "responses": {"200": _json({"$ref": "#/components/schemas/Job"}), **_errors(404)}}},
            "/api/stories/merge": {"post": {"summary": "Merge stories (persisted as `storylens merge`)", "operationId": "merge",
                                            "security": csrf,
                                            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                                                "type": "object", "required": ["stories"],
                                                "properties": {"stories": {"type": "array", "items": {"type": "string"}, "minItems": 2}}}}}},
                                            "responses": {"200": _json({"type": "object"}), **_errors(400, 403, 404)}}},
            "/api/stories/{story_id}/split": {"post": {"summary": "Move articles into a story of their own (as `storylens split`)",
                                                       "operationId": "split", "security": csrf,
                                                       "parameters": [_path_param("story_id")],
                                                       "requestBody": {"required": True, "content": {"application/json": {"schema": {
                                                           "type": "object", "required": ["articles"],
                                                           "properties": {"articles": {"type": "array", "items": {"type": "string"}, "minItems": 1}}}}}},
                                                       "responses": {"200": _json({"type": "object"}), **_errors(400, 403, 404)}}},
            "/api/status": {"get": {"summary": "Counts, unfinished jobs and a revision that changes when the stories do "
                                               "(the story list polls it to update itself)", "operationId": "status",
                                    "responses": {"200": _json({"type": "object", "required": ["revision", "jobs_active"], "properties": {
                                        "stories": {"type": "integer"}, "analysed": {"type": "integer"},
                                        "jobs_active": {"type": "integer"}, "revision": {"type": "string"}}})}}},
            "/api/csrf": {"get": {"summary": "The CSRF token for this client (also set as a cookie)", "operationId": "csrf",
                                  "responses": {"200": _json({"type": "object"})}}},
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "csrfHeader": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
                "csrfCookie": {"type": "apiKey", "in": "cookie", "name": "storylens_csrf"},
            },
        },
    }


def openapi_document() -> dict:
    return copy.deepcopy(_document())
