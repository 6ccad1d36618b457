"""The Researchers and Editors groups: which permission codenames each one holds."""

ARTICLE_MODELS = ["article", "section", "figure", "dataseries", "datapoint", "editorialnote"]
CATALOGUE_MODELS = ["park", "industry", "source", "factsource", "pathevidence", "articlemention", "missingzone"]
REFERENCE_MODELS = ["province", "developmentpath", "officialcount"]

RESEARCHER_PERMS = {
    "articles": [
        *(f"{action}_{model}" for model in ARTICLE_MODELS for action in ("add", "change", "view")),
        *(f"view_historical{model}" for model in ARTICLE_MODELS),
    ],
    "parks": [
        *(f"{action}_{model}" for model in CATALOGUE_MODELS for action in ("add", "change", "view")),
        # Provinces, paths and official counts come from the article: correct them, don't invent them.
        *(f"{action}_{model}" for model in REFERENCE_MODELS for action in ("change", "view")),
        *(f"view_historical{model}" for model in CATALOGUE_MODELS + REFERENCE_MODELS),
    ],
}

# Editors: everything Researchers can, plus publish, delete and restore (revert history, undelete).
EDITOR_PERMS = {
    "articles": [
        *RESEARCHER_PERMS["articles"],
        "publish_article",
        *(f"delete_{model}" for model in ARTICLE_MODELS),
        *(f"change_historical{model}" for model in ARTICLE_MODELS),
    ],
    "parks": [
        *RESEARCHER_PERMS["parks"],
        "publish_park",
        *(f"add_{model}" for model in REFERENCE_MODELS),
        *(f"delete_{model}" for model in CATALOGUE_MODELS + REFERENCE_MODELS),
        *(f"change_historical{model}" for model in CATALOGUE_MODELS + REFERENCE_MODELS),
    ],
}

GROUPS = {"Researchers": RESEARCHER_PERMS, "Editors": EDITOR_PERMS}
