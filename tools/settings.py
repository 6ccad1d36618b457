"""Settings for the maintainers' commands (`make bench`, `make screenshots`): the site's, plus this tools app.

The tools are not part of the deployed site, so `rustbelt.settings` does not list them.
"""

from rustbelt.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tools"]  # noqa: F405
