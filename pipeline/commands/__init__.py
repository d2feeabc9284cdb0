"""Commands kept one per file; pipeline/cli.py registers them on the `pipeline` group."""
