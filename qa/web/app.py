"""The app factory: JSON API, OpenAI-compatible API, health and metrics, and the chat page, over one index.

Inside the package, so an installed wheel can serve. Development: ``flask --app qa.web.app run``
(or ``flask --app server run`` in a checkout). Production: ``qa serve`` (gunicorn, several
workers, settings in ``qa/web/gunicorn_conf.py``). Configuration: ``qa.config`` (defaults → the
instance folder's ``config.py`` → ``QA_*`` environment → ``test_config``), read the same way as
the CLI and gunicorn read it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from apiflask import APIFlask
from apispec.ext.marshmallow import OpenAPIConverter

import qa  # noqa: F401  (sets the offline environment before any model library loads)
from qa import config, paths
from qa.chat import ChatSessions, Conversations
from qa.web import api, openai_api, ops, pages
from qa.web.engine import Engine
from qa.web.auth import install_auth
from qa.web.errors import register_error_handlers
from qa.web.headers import install_security_headers
from qa.web.limits import install_limits
from qa.web.metrics import install_metrics
from qa.web.schemas import DocumentIn, ErrorOut


def create_app(test_config: dict | None = None) -> APIFlask:
    # no Swagger UI (docs_path=None): it loads from a CDN
    app = APIFlask(__name__, title="offline-qa", version="0.1.0", instance_path=str(paths.INSTANCE_DIR),
                   instance_relative_config=True, static_folder=None, docs_path=None, json_errors=True)
    app.config["SPEC_FORMAT"] = "json"
    app.config["HTTP_ERROR_SCHEMA"] = app.config["VALIDATION_ERROR_SCHEMA"] = ErrorOut  # the spec shows our errors
    # defaults → instance/config.py → QA_* environment → test_config: the same reading as the CLI's
    app.config.from_mapping(config.load(test_config, instance_dir=Path(app.instance_path)))
    app.json.ensure_ascii = False
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("faiss.loader").setLevel(logging.WARNING)  # "could not load AVX2" is not news

    engine = Engine(app.config["INDEX_DIR"], app.config["READER_MODEL"], app.config["TORCH_THREADS"])
    app.extensions["qa.engine"] = engine
    app.extensions["qa.sessions"] = sessions = ChatSessions(app.config["SESSIONS_DB"])
    app.extensions["qa.conversations"] = Conversations(engine.ask, sessions)
    register_error_handlers(app)
    install_auth(app)
    install_metrics(app)
    install_security_headers(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(openai_api.bp)
    app.register_blueprint(ops.bp)
    app.register_blueprint(pages.bp)
    install_limits(app)  # wraps the question views, so after the blueprints

    @app.spec_processor
    def document_upload_body(spec: dict) -> dict:
        """``POST /api/documents`` takes the one ``DocumentIn`` schema as JSON or multipart."""
        ref = {"$ref": "#/components/schemas/DocumentIn"}
        spec.setdefault("components", {}).setdefault("schemas", {})["DocumentIn"] = _schema_json(app)
        spec["paths"]["/api/documents"]["post"]["requestBody"] = {
            "required": True, "content": {"application/json": {"schema": ref}, "multipart/form-data": {"schema": ref}},
        }
        return spec

    engine.start(background=app.config["LOAD_IN_BACKGROUND"])
    return app


def _schema_json(app: APIFlask) -> dict:
    converter = OpenAPIConverter(openapi_version=app.config.get("OPENAPI_VERSION", "3.0.3"),
                                 schema_name_resolver=lambda schema: None, spec=None)
    return converter.schema2jsonschema(DocumentIn)
