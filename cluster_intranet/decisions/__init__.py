"""Decisions of meetings and the control of their execution."""
