"""The OpenAPI schema's shared part: the error responses of every operation."""

from drf_spectacular.openapi import AutoSchema

from tradeportal.api import ErrorSerializer

# Schema ---------------------------------------------------------------------------------------


ERRORS = {
    "400": "Invalid input: `fields` names each invalid field with its messages.",
    "401": "No valid credentials: the token is missing, unknown or revoked.",
    "403": "Not allowed (e.g. a missing CSRF token with a session, or an unverified company).",
    "404": "Not found, or not yours: another company's objects answer 404.",
    "429": "Too many requests: wait the number of seconds in the Retry-After header.",
}


class TradePortalAutoSchema(AutoSchema):
    """Document the error responses each operation can give, all in the one error shape."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["401", "403", "429"]
        if self.method in ("POST", "PUT", "PATCH") or self._is_list_view():
            codes.append("400")
        if "{" in self.path or self._is_list_view():
            codes.append("404")
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
                responses[code]["description"] = ERRORS[code]
        return responses
