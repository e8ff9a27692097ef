"""Streamlit glue shared by the pages: resources, the auth adapter and page access rules."""
