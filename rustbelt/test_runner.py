import unittest

from django.test.runner import DiscoverRunner

from rustbelt import cache


class FreshCacheResult(unittest.TextTestResult):
    def startTest(self, test):
        # Each test rolls its data back without signals, so a page cached by the previous test
        # would otherwise be served to this one.
        cache.reset_for_test()
        super().startTest(test)


class RustbeltTestRunner(DiscoverRunner):
    """The default runner, with the page cache emptied before every test."""

    def get_resultclass(self):
        base = super().get_resultclass() or unittest.TextTestResult
        return type("FreshCache" + base.__name__, (FreshCacheResult, base), {})
