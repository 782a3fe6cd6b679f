"""The demo dataset: a fictional city's round, loaded through the services (``xuncha demo``)."""
