"""How the wheel becomes a running server, in one place: the wheel test runs these steps and the Dockerfile's
test checks that the image runs the same ones, so the two cannot drift apart."""

SOURCES = ("pyproject.toml", "setup.py", "README.md", "research", "interviews", "app")
"""What a wheel is built from (and all the image copies in)."""
BUILD_WHEEL = ("pip", "wheel", "--no-deps")
"""Then the place's own flags (offline in the test), ``-w DIR`` and the source folder."""
INSTALL = ("pip", "install")
WHEEL_GLOB = "frontline-*.whl"
MIGRATE = ("frontline", "db", "upgrade")
SERVE = ("frontline", "serve")
"""Then ``--port`` (and ``--address`` where others must reach it)."""
HEALTH_PATH = "/_stcore/health"
HEALTHY = "ok"
"""What Streamlit's health endpoint answers once the app can serve."""
