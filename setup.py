"""Which packages the wheel holds; everything else about the build is in pyproject.toml.

The Streamlit app stays in the top-level ``app/`` folder, where Streamlit runs its files as
scripts and the pages find each other by relative path, and the wheel ships it as the package
``frontline_app`` so ``frontline serve`` finds it in an installed copy (``research/cli/serve.py``).
A package (rather than ``data-files``, which land under ``sys.prefix`` and are lost to editable
installs, or a top-level ``app`` package, a name any other project may take) keeps the app beside
the code in every kind of install, and setuptools' editable finder maps it back to ``app/``.
pyproject.toml can either find packages or list them, but cannot find them *and* install a folder
under another name, hence this file: the research and interviews packages are still found, so a
new subpackage ships without being listed here.
"""

from setuptools import find_namespace_packages, setup

APP = "frontline_app"

setup(
    packages=[
        *find_namespace_packages(include=["research", "research.*", "interviews", "interviews.*"],
                                 exclude=["*.__pycache__"]),
        APP, f"{APP}.frontline_ui", f"{APP}.views",
    ],
    package_dir={APP: "app"},
    # The app's Streamlit config (its accessible theme) is read beside main.py.
    package_data={APP: [".streamlit/config.toml"]},
)
