"""A real LangGraph Agent Server (``langgraph dev``) on a free port: used by scripts/demo.py and the tests."""
