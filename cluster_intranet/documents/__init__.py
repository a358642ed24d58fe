"""Word documents: rendering, the template library, downloads."""
