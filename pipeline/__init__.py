"""Build validated Frictionless Data Packages of figures quoted in documents.

Every figure is traced to the exact words that state it, in an archived snapshot.
"""

__version__ = "0.1.0"
