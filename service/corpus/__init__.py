"""Whole corpora: `bitext translate-corpus` and `bitext align-corpus`.

The work itself (a batch of records translated, one manifest pair aligned) is a plain function
in `translate` and `align`; `runner` calls it in this process (`--actors 0`) or through Ray Data
actors (`cluster`), which load the engine or the encoder once each. `records` reads and writes
JSONL and Parquet, and knows what an earlier, interrupted run already wrote.
"""
