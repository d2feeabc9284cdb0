"""The Data Package profile check of a descriptor: frictionless, with the network refused.

frictionless (about a quarter of a second to import) is imported only when a
descriptor is checked.
"""

from __future__ import annotations

from pipeline.errors import Problem


def profile_problems(descriptor: dict, display: str) -> list[Problem]:
    """Data Package profile errors, from frictionless with the network refused."""
    import requests
    from frictionless import Package, system

    class Offline(requests.Session):
        def request(self, method, url, *args, **kwargs):
            raise requests.ConnectionError(f"{url} not fetched: validate works offline")

    with system.use_context(http_session=Offline()):
        report = Package.validate_descriptor(descriptor)
    return [
        Problem(f"descriptor-{kind}", message, file=display)
        for kind, message in report.flatten(["type", "message"])
    ]
