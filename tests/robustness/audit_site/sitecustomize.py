"""Loaded at start-up by the processes a command under tests/robustness/audit_driver.py
starts (this folder is on their PYTHONPATH): records their file-system events too."""

import importlib.util
import os

if os.environ.get("AUDIT_EVENTS"):
    _here = os.path.dirname(os.path.abspath(__file__))
    _spec = importlib.util.spec_from_file_location(
        "audit_driver", os.path.join(os.path.dirname(_here), "audit_driver.py")
    )
    _driver = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_driver)
    _driver.install(os.environ["AUDIT_EVENTS"])
