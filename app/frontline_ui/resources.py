"""Process-wide resources for the app: settings and the database engine, built once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from research.settings import Settings, load_settings
from research.store.engine import engine_from_settings, session_scope


@st.cache_resource
def settings() -> Settings:
    return load_settings()


@st.cache_resource
def engine() -> Engine:
    return engine_from_settings(settings())


@contextmanager
def db_session() -> Iterator[Session]:
    with session_scope(engine()) as session:
        yield session
