"""Pure text modules: reading and writing digests, finding quantities.

Nothing under this package imports Django; plain data goes in and out, so the modules can be
tested and reused without a database.
"""
