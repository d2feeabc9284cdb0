"""The Data Package profile check of a descriptor: frictionless, with the network refused.

frictionless (about a quarter of a second to import) is imported only when a
descriptor is checked.
"""

from __future__ import annotations

from pipeline.errors import Problem


class Offline:
    """The HTTP session frictionless is given: it fetches nothing. (A plain object, not
    a requests.Session: requests would be imported for this alone, a tenth of a second;
    frictionless asks a session only for get and, for portals, request and post.)"""

    def request(self, method: str, url: str, *args, **kwargs):
        raise ConnectionError(f"{url} not fetched: validate works offline")

    def get(self, url: str, *args, **kwargs):
        return self.request("GET", url)

    def post(self, url: str, *args, **kwargs):
        return self.request("POST", url)


def profile_problems(descriptor: dict, display: str) -> list[Problem]:
    """Data Package profile errors, from frictionless with the network refused."""
    from frictionless import Package, system

    with system.use_context(http_session=Offline()):
        report = Package.validate_descriptor(descriptor)
    return [
        Problem(f"descriptor-{kind}", message, file=display)
        for kind, message in report.flatten(["type", "message"])
    ]
