"""Read API request bodies so that no JSON, however malformed, reaches a 500."""
from __future__ import annotations

import json

import flask_smorest
from flask import Request
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from marketplace.platform.errors import InvalidInput
from marketplace.web.request_guard import UNSTORABLE, unstorable_fields


class JsonParser(FlaskParser):
    """webargs' parser, also refusing JSON Python cannot decode and text no database stores."""

    def _raw_load_json(self, req: Request):
        if not is_json_request(req):
            return core.missing
        raw = req.get_data(cache=True)
        try:
            data = core.parse_json(raw)
        except json.JSONDecodeError:
            raise
        except (ValueError, RecursionError) as error:  # a number past int's digit limit, or nesting too deep
            raise json.JSONDecodeError(str(error), doc=" ", pos=0) from None
        bad = unstorable_fields(data)
        if bad:
            raise InvalidInput(fields={key: [UNSTORABLE] for key in bad})
        return data


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = JsonParser()
