"""The parks catalogue as shipped with the project (CSV copied from the researched fact sheet), and its loader."""


def load_catalogue(report, force=False):
    """Create or update provinces, paths, industries, sources, parks and official counts."""
    # Filled in by the catalogue work (issue 4).
