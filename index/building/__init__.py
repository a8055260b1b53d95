"""Building: files -> a published index snapshot. The build itself (builder.py), the work
done per file, read, chunked and embedded (preparing.py), run in this process (workers.py)
or on a Ray cluster (cluster.py)."""

from .builder import build, remove
from .cluster import Cluster

__all__ = ["Cluster", "build", "remove"]
