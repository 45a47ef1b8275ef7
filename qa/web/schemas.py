"""Request and response schemas: they validate requests and generate the OpenAPI spec."""

from __future__ import annotations

import typing

from apiflask import Schema
from apiflask.fields import Boolean, Dict, File, Float, Integer, List, Nested, String
from apiflask.validators import Length, Range, Regexp
from marshmallow import ValidationError, validates_schema

from qa.answer.contract import DESCRIPTIONS, AnswerResult, CitedAnswer, TurnFields
from qa.answer.contract import fields as contract_fields
from qa.chat.conversation import MAX_QUESTION_CHARS
from qa.chat.sessions import SESSION_ID
from qa.store.document_store import MAX_LIST_OFFSET

MAX_TOP_K = 20


def not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("must not be empty")


# not_blank's rule stated in the spec: a character that is not whitespace as str.strip() sees it
# (spelled out: JSON Schema's \s and Python's differ on a few characters, e.g. \x1c-\x1f)
NOT_BLANK_PATTERN = ("[^\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a"
                     "\\u2028\\u2029\\u202f\\u205f\\u3000]")


class AskIn(Schema):
    question = String(required=True, validate=[not_blank, Length(min=1, max=MAX_QUESTION_CHARS)],
                      metadata={"example": "When did fighting start?", "pattern": NOT_BLANK_PATTERN})
    top_k = Integer(load_default=5, validate=Range(1, MAX_TOP_K), metadata={"description": "answers to return"})
    session_id = String(validate=Regexp(SESSION_ID), metadata={
        "description": "continue this conversation (follow-ups are resolved with it); a new one is "
                       "started when absent"})


def _contract_fields(contract: type, nested: dict | None = None) -> dict:
    """Marshmallow fields for a contract TypedDict (``qa.answer.contract``), described from it."""
    simple = {str: String, float: Float, int: Integer, bool: Boolean}
    out = {}
    for name, kind in contract_fields(contract).items():
        metadata = {"description": DESCRIPTIONS[name]}
        if nested and name in nested:
            out[name] = nested[name]
        elif kind in simple:
            out[name] = simple[kind](metadata=metadata)
        elif set(typing.get_args(kind)) == {str, type(None)}:
            out[name] = String(allow_none=True, metadata=metadata)
        else:
            raise TypeError(f"no schema field for {name}: {kind}")
    return out


# Generated from the one answer contract, so the API, the CLI and the page cannot drift apart.
AnswerOut = Schema.from_dict(_contract_fields(CitedAnswer), name="AnswerOut")
AskOut = Schema.from_dict(
    {**_contract_fields(AnswerResult, nested={"answers": List(Nested(AnswerOut), metadata={
        "description": DESCRIPTIONS["answers"]})}), **_contract_fields(TurnFields)},
    name="AskOut",
)


class DocumentIn(Schema):
    """Either a multipart upload (``file``, optional ``name``) or JSON ``{"name", "text"}``."""

    name = String(validate=Length(min=1, max=255))
    text = String(validate=not_blank, metadata={"pattern": NOT_BLANK_PATTERN})
    file = File(metadata={"description": ".txt .md .html .pdf"})

    @validates_schema
    def one_source(self, data, **kwargs):
        if ("text" in data) == ("file" in data):
            raise ValidationError("send either a file (multipart) or JSON with name and text")
        if "text" in data and "name" not in data:
            raise ValidationError("a name is required with text", field_name="name")


class DocumentOut(Schema):
    id = String()
    name = String()
    chunks = Integer()
    content_hash = String()
    path = String(allow_none=True)
    created_at = Float()
    updated_at = Float()
    meta = Dict()


class DocumentAdded(Schema):
    id = String()
    name = String()
    chunks = Integer()
    status = String(metadata={"description": "'indexed' (new or replaced) or 'unchanged' (same content)"})


class DocumentDetailOut(DocumentOut):
    text = String(metadata={"description": "the stored text that answer offsets index into"})


class DocumentListQuery(Schema):
    limit = Integer(load_default=20, validate=Range(1, 100))
    offset = Integer(load_default=0, validate=Range(min=0, max=MAX_LIST_OFFSET))


class DocumentListOut(Schema):
    documents = List(Nested(DocumentOut))
    total = Integer()
    limit = Integer()
    offset = Integer()


class TurnOut(Schema):
    question = String()
    reader_question = String()
    retrieval_query = String()
    is_followup = Boolean()
    result = Nested(AskOut)
    took_ms = Float()
    asked_at = Float()


class SessionOut(Schema):
    session_id = String()
    turns = List(Nested(TurnOut))


class ErrorBody(Schema):
    code = String(metadata={"example": "not_found"})
    message = String(metadata={"example": "no document with id 'x'"})
    details = Dict(metadata={"description": "per-field messages, for invalid fields"})


class ErrorOut(Schema):
    """Every error response: ``{"error": {"code", "message"[, "details"]}}``."""

    error = Nested(ErrorBody)
