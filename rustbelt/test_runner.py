import os
import tempfile
import unittest

from django.conf import settings
from django.test import runner
from django.test.utils import iter_test_cases, override_settings
from django.utils import translation

from publishing import generation


class FreshCacheResult:
    """Mixed into the result class of the process that runs the tests (each worker with --parallel)."""

    def startTest(self, test):
        # Each test rolls its data back without signals, so an aggregate cached by the previous test
        # would otherwise be served to this one.
        generation.reset_for_test(test)
        # LocaleMiddleware activates each request's language in the test's thread and nothing
        # deactivates it, so a test whose last request was Chinese would leave reverse() and
        # gettext in Chinese for the next test (even in another module).
        translation.activate(settings.LANGUAGE_CODE)
        super().startTest(test)


class FreshCacheRemoteResult(FreshCacheResult, runner.RemoteTestResult):
    pass


class FreshCacheRemoteRunner(runner.RemoteTestRunner):
    resultclass = FreshCacheRemoteResult


def init_worker(counter, *args, **kwargs):
    runner._init_worker(counter, *args, **kwargs)
    # Workers may share one Redis: each keeps its aggregates apart from the others'.
    worker_caches = {
        alias: {**config, "KEY_PREFIX": f"{config.get('KEY_PREFIX', '')}-test{runner._worker_id}"}
        for alias, config in settings.CACHES.items()
    }
    # Each keeps its import previews apart too: tests count the files in the folder before and after
    # an upload, and another worker's upload in between would be counted as theirs.
    worker_imports = os.path.join(settings.IMPORT_TMP_DIR, f"worker{runner._worker_id}")
    override_settings(CACHES=worker_caches, IMPORT_TMP_DIR=worker_imports).enable()


class ParallelTestSuite(runner.ParallelTestSuite):
    init_worker = init_worker
    runner_class = FreshCacheRemoteRunner


class RustbeltTestRunner(runner.DiscoverRunner):
    """The default runner, with the aggregate cache emptied before every test and off by default,
    and a fast password hasher.

    Tests bulk-create or update() rows between two requests, which sends no signals, so a stored
    matrix would hide the change; parks/tests/test_aggregate_cache.py and articles/tests/test_rendering.py
    turn the store back on to test it.

    A test class may define a class method `setUpTestRun`: it is called once before any test runs, in
    this process, so servers it starts (the deployed build) are shared by every worker of --parallel.
    """

    parallel_test_suite = ParallelTestSuite
    tests_run_in_workers = False

    def setup_test_environment(self, **kwargs):
        super().setup_test_environment(**kwargs)
        # Import previews the tests never confirm leave their files behind: keep them out of the project.
        self.import_folder = tempfile.TemporaryDirectory(prefix="rustbelt-test-imports-")
        self.caches_off = override_settings(
            IMPORT_TMP_DIR=self.import_folder.name,
            AGGREGATE_CACHE_SECONDS=0,
            # Test accounts need no strong hashing; PBKDF2's deliberate slowness would dominate the suite.
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        )
        self.caches_off.enable()

    def teardown_test_environment(self, **kwargs):
        self.caches_off.disable()
        self.import_folder.cleanup()
        super().teardown_test_environment(**kwargs)

    def run_suite(self, suite, **kwargs):
        for set_up in {getattr(type(test), "setUpTestRun", None) for test in iter_test_cases(suite)} - {None}:
            set_up()
        self.tests_run_in_workers = isinstance(suite, runner.ParallelTestSuite)
        return super().run_suite(suite, **kwargs)

    def get_resultclass(self):
        base = super().get_resultclass() or unittest.TextTestResult
        if self.tests_run_in_workers:
            return base  # the workers' results reset the caches (FreshCacheRemoteResult)
        return type("FreshCache" + base.__name__, (FreshCacheResult, base), {})
