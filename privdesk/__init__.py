"""privdesk: a desktop workbench for running a company's privacy policy day to day."""

# The one place the version is defined; pyproject.toml and packaging read it from here.
__version__ = "0.1.0"
