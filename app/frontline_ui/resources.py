"""Process-wide resources for the app: settings and the database engine, built once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from research.pulse.sealing import Sealer
from research.settings import Settings, load_settings
from research.store.engine import engine_from_settings, reachable_read_session, reachable_session
from research.store.migrate import ensure_migrated


@st.cache_resource
def settings() -> Settings:
    return load_settings()


@st.cache_resource
def engine() -> Engine:
    return engine_from_settings(settings())


@st.cache_resource
def sealer() -> Sealer:
    """The key that seals pulse answers while they wait for a release (never stored in the database)."""
    return Sealer.from_settings(settings())


@st.cache_resource
def migrated() -> bool:
    """Check the schema once per process; a failure is not cached, so the next run checks again."""
    ensure_migrated(engine())
    return True


@contextmanager
def db_session() -> Iterator[Session]:
    """A committed-at-the-end session; a lost connection is raised as DatabaseUnavailable."""
    with reachable_session(engine()) as session:
        yield session


@contextmanager
def db_read() -> Iterator[Session]:
    """A session for what a page only shows (findings, lists): on SQLite it never waits for a writer, and it
    cannot write (see research.store.engine.read_session); anything that saves uses :func:`db_session`."""
    with reachable_read_session(engine()) as session:
        yield session


@st.cache_resource(show_spinner="Loading the language model (once per server)…")
def embedding_model():
    """The packaged sentence model, for code suggestions; loaded on first use only (analysis runs in workers)."""
    from research.analysis.embeddings import load_embedding_model

    return load_embedding_model(settings().embedding_model)


def embed(texts: list[str]):
    from research.analysis.embeddings import embed_texts

    return embed_texts(texts, embedding_model())
