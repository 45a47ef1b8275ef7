"""Extractive reading: turning a question and a text into cited answer spans."""
