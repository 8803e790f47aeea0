"""The Mini App and the process's HTTP endpoints (tornado): see server.py."""
