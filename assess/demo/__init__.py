"""Realistic synthetic patients to try assess with, and the tables and care plans behind them."""
