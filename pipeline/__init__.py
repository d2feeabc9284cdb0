"""Build validated Frictionless Data Packages of figures quoted in documents.

Every figure is traced to the exact words that state it, in an archived snapshot.
"""

import os

__version__ = "0.1.0"

# Arrow's own allocator (mimalloc) keeps much of what it frees for later: reading a
# million figures' raw/ held 0.65 GB more with it than with the system allocator, at
# the same speed (benchmarks/README.md). Read by pyarrow when it is first used; a
# setting of the caller's own stays, and so does a pyarrow already in use.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
