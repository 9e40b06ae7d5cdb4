"""Regional Care Benchmark: the plain-Python library behind the Streamlit app.

Nothing in this package imports Streamlit, so the CLI, tests and benchmarks use
exactly the code the pages use.
"""
