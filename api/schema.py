"""How the OpenAPI schema describes the token authentication (drf-spectacular finds this extension by its
target class when the module is imported, in ApiConfig.ready())."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Authorization: Bearer <token> (issued in the admin, or manage.py create_api_token)",
        }
