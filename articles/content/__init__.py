"""The article as shipped with the project, and its loader."""


def load_article(report, force=False):
    """Create or update the article and its sections from the Markdown in this folder."""
    # Filled in by the article work (issue 3).
