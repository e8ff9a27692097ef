"""The deterministic "Customer Service Week" demo dataset behind `frontline demo`."""

from research.demo.seed import DEMO_STUDY_TITLE, DemoResult, seed_demo

__all__ = ["DEMO_STUDY_TITLE", "DemoResult", "seed_demo"]
