"""Typed client for the LangGraph Agent Server's Create Thread endpoint (POST /threads)."""

from ._version import __version__

__all__ = ["__version__"]
